"""Commands on proposals: evaluate (with what-if and why-not), the schema, and screening a
round."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import CcrulesError
from ..proposal.model import Proposal
from ..proposal.reading import read_proposal
from ..report.markdown import render_markdown
from ..report.text import render_text
from ..screening.batch import collect_files, counts, screen
from ..screening.evaluate import evaluate
from ..screening.whatif import evaluate_with_what_if, parse_assignments
from ..service import write_csv
from ..store.database import Store
from ..suggestions import suggest
from .common import DB_OPTION, RULES_OPTION, UserError, console, dump, load_rules, table


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
@RULES_OPTION
def evaluate_cmd(files: tuple[Path, ...], fmt: str, assignments: tuple[str, ...],
                 why_not: tuple[str, ...], rules_path: Path | None) -> None:
    """Evaluate proposal FILES (JSON) and print the verdict and its reasons.

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
            proposal = read_proposal(path)
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
        click.echo(("\n" + "-" * 88 + "\n\n").join(render(r) for r in results), nl=False)
    if failed:
        sys.exit(1)


@click.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema of a proposal (every field, with its description)."""
    click.echo(dump(Proposal.model_json_schema()))


@click.command("screen")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
              show_default=True, help="Output format.")
@click.option("--store", "store_results", is_flag=True,
              help="Store every evaluation in the audit database.")
@DB_OPTION
@RULES_OPTION
def screen_cmd(paths, fmt, store_results, db_path, rules_path) -> None:
    """Screen a funding round: proposal files, or folders of *.json files.

    Shows a progress bar (on stderr), then verdict counts and one row per proposal (name,
    verdict, blockers, majors). Invalid files are listed as 'invalid' with their error;
    the exit code is 1 if any was invalid.
    """
    from rich.progress import Progress

    rulebook = load_rules(rules_path)
    files = collect_files(paths)
    store = Store(db_path) if store_results else None  # a database fault stops us first
    with Progress(transient=True, console=console(stderr=True)) as bar:
        task = bar.add_task("Screening", total=len(files))
        results = screen(((f.name, f) for f in files), rulebook,
                         progress=lambda _: bar.advance(task))
    if store:
        try:  # one transaction: the round is stored whole or not at all
            store.save_many([(r.evaluation, r.proposal or {}) for r in results
                             if r.evaluation], rulebook, owner=None)
        finally:
            store.close()
    rows = [_screen_row(r) for r in results]
    tally = counts(results)
    if fmt == "json":
        click.echo(dump({"counts": tally, "results": rows}))
    elif fmt == "csv":
        import io
        for chunk in write_csv(io.StringIO(), list(rows[0]) if rows else ["name"], rows):
            sys.stdout.write(chunk)
    else:
        _screen_tables(tally, rows)
    for r in results:
        if r.error:
            click.echo(f"Error: {r.error}", err=True)
    if any(r.error for r in results):
        sys.exit(1)


def _screen_row(r) -> dict:
    findings = r.evaluation.findings if r.evaluation else []
    return {"name": r.name, "verdict": r.verdict,
            "blockers": sum(f.severity.value == "blocker" for f in findings),
            "majors": sum(f.severity.value == "major" for f in findings),
            "id": r.evaluation.id if r.evaluation else ""}


def _screen_tables(tally: dict, rows: list[dict]) -> None:
    out = console(width=120)
    out.print(table("Verdicts", ["verdict", "proposals"],
                    [[verdict, str(n)] for verdict, n in tally.items()], right=("proposals",)))
    out.print(table("Proposals", ["name", "verdict", "blockers", "majors"],
                    [[r["name"], r["verdict"], str(r["blockers"]), str(r["majors"])]
                     for r in rows], right=("blockers", "majors")))


