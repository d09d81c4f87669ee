"""Commands on one or a few proposals: evaluate (with what-if and why-not) and the schema."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import CcrulesError
from ..intake.draft import read_draft
from ..proposal.answered import require_answers
from ..proposal.model import Proposal
from ..report.markdown import render_markdown
from ..report.text import render_text
from ..screening.evaluate import evaluate
from ..screening.whatif import evaluate_with_what_if, parse_assignments
from ..suggestions import suggest
from .common import RULES_OPTION, UserError, dump, load_rules


@click.command("evaluate")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown"]),
              default="text", show_default=True, help="Output format.")
@click.option("--set", "assignments", multiple=True, metavar="FIELD=VALUE",
              help="What-if: change an answer (e.g. enrolment.data_submission="
                   "mandatory_with_exit) and show the result beside the original. Repeatable; "
                   "VALUE is read as JSON when it can be (2, true, [\"a\"]), else as text.")
@click.option("--why-not", "why_not", multiple=True, metavar="RULE_ID",
              help="Also explain why this rule did not fire. Repeatable.")
@click.option("--brief", is_flag=True,
              help="Print only the brief (verdict, why, what to do next): one page.")
@click.option("--accept-suggestions", "accept_suggestions", is_flag=True,
              help="Evaluate a draft from `ccrules intake` even though some of its suggested "
                   "answers are not confirmed (they are then taken as answers).")
@RULES_OPTION
def evaluate_cmd(files: tuple[Path, ...], fmt: str, assignments: tuple[str, ...],
                 why_not: tuple[str, ...], brief: bool, accept_suggestions: bool,
                 rules_path: Path | None) -> None:
    """Evaluate proposal FILES (JSON) and print the verdict and its reasons: a brief first
    (verdict, why, what to do next), then the full findings as an appendix.

    With --format json, one file gives one Evaluation object and several give a list.
    A file that cannot be read or validated is reported on stderr (naming the file and
    the field) and the exit code is 1; the other files are still evaluated.
    """
    rulebook = load_rules(rules_path)
    unknown = [r for r in why_not if r.upper() not in rulebook.by_id]
    if unknown:
        raise UserError(f"--why-not: no rule {unknown[0]!r}"
                        f"{suggest(unknown[0].upper(), rulebook.by_id)}")
    changes = parse_assignments(assignments)
    asked = [r.upper() for r in why_not]
    results, failed = [], 0
    for path in files:
        try:
            proposal = read_draft(path, accept_suggestions)
            require_answers(proposal)
            results.append(evaluate_with_what_if(proposal, changes, rulebook, asked)
                           if changes else evaluate(proposal, rulebook, why_not=asked))
        except CcrulesError as exc:
            failed += 1
            where = "" if str(exc).startswith(str(path)) else f"{path}: "
            click.echo(f"Error: {where}{exc}", err=True)
    if fmt == "json":
        data = [r.model_dump(mode="json") for r in results]
        if data:
            click.echo(dump(data[0] if len(files) == 1 else data))
    else:
        render = render_text if fmt == "text" else render_markdown
        click.echo(("\n" + "-" * 88 + "\n\n").join(render(r, brief=brief) for r in results),
                   nl=False)
    if failed:
        sys.exit(1)


@click.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema of a proposal (every field, with its description)."""
    click.echo(dump(Proposal.model_json_schema()))
