"""The `ccrules` command line: a thin layer that parses arguments, calls the library and
formats its output. Library errors become click errors (exit code 1, no traceback)."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

import click

from . import __version__
from .authoring.catalogue import render_catalogue
from .authoring.checks import all_problems, uncovered_lessons
from .authoring.impact import impact
from .authoring.rule_tests import run_rule_tests
from .errors import CcrulesError, RuleError
from .proposal.model import Proposal
from .proposal.reading import read_proposal
from .report.markdown import render_markdown
from .report.text import render_text
from .resources import rules_dir
from .rulebook.conditions import All, Leaf, Not, to_data
from .rulebook.loader import Rulebook, load_rulebook
from .screening.batch import collect_files, counts, screen
from .screening.evaluate import evaluate
from .screening.whatif import evaluate_with_what_if, parse_assignments
from .store.database import DEFAULT_DB, Store
from .store.reproduce import reevaluate
from .store.tokens import create_token, has_tokens
from .suggestions import suggest

DB_OPTION = click.option(
    "--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
    default=str(DEFAULT_DB), envvar="CCRULES_DATABASE", show_default=True,
    show_envvar=True, help="The audit database (SQLite).")
RULES_OPTION = click.option(
    "--rules", "rules_path", type=click.Path(exists=True, path_type=Path), default=None,
    help="Folder of rule files (default: $CCRULES_RULES or the project's rules/).")


class UserError(click.ClickException):
    """Printed as 'Error: ...' with exit code 1."""


class Commands(click.Group):
    """Every command's errors end here: a library error, an unreadable file or a database
    fault is one 'Error: ...' line and exit code 1, never a traceback. Anything else is a bug:
    one line and exit code 2 (CCRULES_DEBUG=1 shows the traceback)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (CcrulesError, OSError, sqlite3.Error) as exc:
            raise UserError(str(exc)) from None
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit,
                KeyboardInterrupt):
            raise
        except Exception as exc:
            if os.environ.get("CCRULES_DEBUG"):
                raise
            click.echo(f"Error: internal error ({type(exc).__name__}: {exc}); please report "
                       f"it (CCRULES_DEBUG=1 shows the traceback)", err=True)
            ctx.exit(2)


def _rulebook(path: Path | None) -> Rulebook:
    return load_rulebook(path)


def _dump(obj) -> str:
    return json.dumps(obj, indent=2, ensure_ascii=False)


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ccrules")
def main() -> None:
    """Screen proposed healthcare-improvement programmes: should this be run as a clinical
    community, and how should it be designed? Verdicts and reasons follow the lessons of
    Aveling et al. (2017), comparing Michigan's Keystone ICU project and the UK's ILCOP."""


@main.command("evaluate")
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
    rulebook = _rulebook(rules_path)
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
            click.echo(_dump(data[0] if len(files) == 1 else data))
    else:
        render = render_text if fmt == "text" else render_markdown
        click.echo(("\n" + "-" * 88 + "\n\n").join(render(r) for r in results), nl=False)
    if failed:
        sys.exit(1)


@main.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema of a proposal (every field, with its description)."""
    click.echo(_dump(Proposal.model_json_schema()))


@main.group("rules")
def rules_group() -> None:
    """List, show and check the rules."""


def _rule_row(rule) -> dict:
    return {"id": rule.id, "title": rule.title, "dimension": rule.dimension.value,
            "severity": rule.severity.value, "lessons": list(rule.lessons),
            "citation": rule.citation}


@rules_group.command("list")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@RULES_OPTION
def rules_list(fmt: str, rules_path: Path | None) -> None:
    """List every rule with its dimension, severity, lessons and the paper's section."""
    rb = _rulebook(rules_path)
    covered = rb.lessons_covered()
    if fmt == "json":
        click.echo(_dump({
            "version": rb.version,
            "rules": [_rule_row(r) for r in rb.rules],
            "lessons": covered,
            "uncovered_lessons": uncovered_lessons(rb),
        }))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"ccrules rulebook {rb.version}: {len(rb.rules)} rules")
    for col in ("id", "dimension", "severity", "lessons", "section", "title"):
        table.add_column(col)
    for r in rb.rules:
        table.add_row(r.id, r.dimension.value, r.severity.value, ", ".join(r.lessons),
                      r.citation, r.title)
    Console(width=160).print(table)
    done = sum(1 for ids in covered.values() if ids)
    click.echo(f"Lessons covered: {done} of {len(covered)}")


@rules_group.command("show")
@click.argument("rule_id")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@RULES_OPTION
def rules_show(rule_id: str, fmt: str, rules_path: Path | None) -> None:
    """Show one rule in full: its condition, texts and examples."""
    rb = _rulebook(rules_path)
    rule = rb.by_id.get(rule_id.upper())
    if rule is None:
        raise UserError(f"no rule {rule_id!r}{suggest(rule_id.upper(), rb.by_id)}")
    raw = rule.model_dump(mode="json", exclude={"when"})
    raw["when"] = to_data(rule.when)
    if fmt == "json":
        click.echo(_dump(raw))
        return
    click.echo(f"{rule.id}  {rule.title}\n{rule.dimension.value}, {rule.severity.value}; "
               f"lessons {', '.join(rule.lessons)}; {rule.citation}\n")
    click.echo(f"When:\n{_describe_text(rule.when, 1)}\n")
    for label in ("message", "rationale", "recommendation"):
        click.echo(f"{label.capitalize()}: {getattr(rule, label)}\n")


def _describe_text(node, depth: int) -> str:
    pad = "  " * depth
    if isinstance(node, Leaf):
        return pad + node.describe()
    if isinstance(node, Not):
        return f"{pad}not:\n{_describe_text(node.child, depth + 1)}"
    head = "all of:" if isinstance(node, All) else "any of:"
    return pad + head + "\n" + "\n".join(_describe_text(c, depth + 1) for c in node.children)


@rules_group.command("test")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
@click.option("--examples", "examples_dir", type=click.Path(exists=True, file_okay=False,
              path_type=Path), default=None,
              help="Folder of example proposals with expected.yaml (default: examples/).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
def rules_test(path: Path | None, examples_dir: Path | None, fmt: str) -> None:
    """Run every rule's own examples and the example proposals' expected verdicts; print a
    pass/fail table. Exit code 1 if any fails."""
    rb = _rulebook(path)
    checks = run_rule_tests(rb, examples_dir)
    failed = [c for c in checks if not c.passed]
    if fmt == "json":
        click.echo(_dump({"passed": len(checks) - len(failed), "failed": len(failed),
                          "checks": [c.__dict__ for c in checks]}))
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"Rule tests, ruleset {rb.version}")
        for col in ("test", "kind", "result", "detail"):
            table.add_column(col)
        for c in checks:
            table.add_row(c.name, c.kind, "pass" if c.passed else "FAIL", c.detail)
        Console(width=140).print(table)
        click.echo(f"rule tests: {len(checks) - len(failed)} passed, {len(failed)} failed")
    if failed:
        sys.exit(1)


@rules_group.command("catalogue")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (e.g. docs/rules.md) instead of standard output.")
@RULES_OPTION
def rules_catalogue(output: Path | None, rules_path: Path | None) -> None:
    """The rule catalogue in Markdown: rules by dimension, and lessons to rules."""
    text = render_catalogue(_rulebook(rules_path))
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}")
    else:
        click.echo(text, nl=False)


@rules_group.command("impact")
@click.argument("new_rules", type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@DB_OPTION
def rules_impact(new_rules: Path, fmt: str, db_path: Path) -> None:
    """Re-evaluate every stored proposal under NEW_RULES and list those whose verdict would
    change (old verdict, new verdict, the rules responsible), with counts."""
    rb = _rulebook(new_rules)
    store = Store(db_path)
    try:
        report = impact(store, rb)
    finally:
        store.close()
    if fmt == "json":
        click.echo(_dump(report.as_dict()))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console(width=140)
    click.echo(f"{report.total} stored evaluation(s) re-evaluated under ruleset {rb.version}: "
               f"{len(report.changed)} verdict(s) would change")
    if report.transitions:
        counts_table = Table(title="Changes")
        for col in ("from", "to", "proposals"):
            counts_table.add_column(col)
        for (old, new), n in sorted(report.transitions.items()):
            counts_table.add_row(old, new, str(n))
        console.print(counts_table)
        table = Table(title="Proposals whose verdict would change")
        for col in ("id", "title", "old verdict", "new verdict", "rules responsible"):
            table.add_column(col)
        for c in report.changed:
            table.add_row(c.id, c.title or "", c.old, c.new, ", ".join(c.rules))
        console.print(table)


@rules_group.command("check")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def rules_check(path: Path | None, fmt: str) -> None:
    """Check the rule files in PATH (default: the rules folder): they load, every lesson
    L1-L35 has a rule, and every rule's examples behave as declared. Prints
    file:line: rule-id: message for each problem; exit code 1 if any."""
    path = path or rules_dir()
    try:
        rb = load_rulebook(path)
        problems = all_problems(rb)
    except RuleError as exc:
        rb, problems = None, exc.problems
    if fmt == "json":
        click.echo(_dump({
            "ok": not problems, "path": str(path),
            "version": rb.version if rb else None,
            "rules": len(rb.rules) if rb else 0,
            "problems": [{"file": p.file, "line": p.line, "rule_id": p.rule_id,
                          "message": p.msg} for p in problems],
        }))
    else:
        for p in problems:
            click.echo(str(p), err=True)
        if rb and not problems:
            click.echo(f"ok: {len(rb.rules)} rules, all 35 lessons covered, every example "
                       f"behaves as declared (ruleset {rb.version})")
    if problems:
        sys.exit(1)


@main.command("screen")
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

    rulebook = _rulebook(rules_path)
    files = collect_files(paths)
    store = Store(db_path) if store_results else None  # a database fault stops us first
    with Progress(transient=True, console=_stderr_console()) as bar:
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
        click.echo(_dump({"counts": tally, "results": rows}))
    elif fmt == "csv":
        import csv
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else ["name"])
        writer.writeheader()
        writer.writerows(rows)
    else:
        _screen_tables(tally, rows)
    for r in results:
        if r.error:
            click.echo(f"Error: {r.error}", err=True)
    if any(r.error for r in results):
        sys.exit(1)


def _stderr_console():
    from rich.console import Console
    return Console(stderr=True)


def _screen_row(r) -> dict:
    findings = r.evaluation.findings if r.evaluation else []
    return {"name": r.name, "verdict": r.verdict,
            "blockers": sum(f.severity.value == "blocker" for f in findings),
            "majors": sum(f.severity.value == "major" for f in findings),
            "id": r.evaluation.id if r.evaluation else ""}


def _screen_tables(tally: dict, rows: list[dict]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=120)
    summary = Table(title="Verdicts")
    summary.add_column("verdict")
    summary.add_column("proposals", justify="right")
    for verdict, n in tally.items():
        summary.add_row(verdict, str(n))
    console.print(summary)
    table = Table(title="Proposals")
    table.add_column("name")
    table.add_column("verdict")
    table.add_column("blockers", justify="right")
    table.add_column("majors", justify="right")
    for row in rows:
        table.add_row(row["name"], row["verdict"], str(row["blockers"]), str(row["majors"]))
    console.print(table)


@main.group("token")
def token_group() -> None:
    """Manage API tokens."""


@token_group.command("create")
@click.argument("name")
@click.option("--admin", is_flag=True, help="May read every stored evaluation.")
@DB_OPTION
def token_create(name: str, admin: bool, db_path: Path) -> None:
    """Create an API token called NAME and print it. It is shown only this once: only its
    hash is stored."""
    store = Store(db_path)
    try:
        click.echo(create_token(store, name, admin=admin))
    finally:
        store.close()


@main.command("reevaluate")
@click.argument("evaluation_id")
@click.option("--current-rules", is_flag=True,
              help="Use the current rules instead of the ruleset the evaluation was made with.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@DB_OPTION
@RULES_OPTION
def reevaluate_cmd(evaluation_id, current_rules, fmt, db_path, rules_path) -> None:
    """Evaluate a stored proposal again, by default under the ruleset it was first judged by,
    and say whether the verdict is the same. Exit code 1 if it is not."""
    store = Store(db_path)
    try:
        result = reevaluate(store, evaluation_id,
                            _rulebook(rules_path) if current_rules else None)
    finally:
        store.close()
    if fmt == "json":
        click.echo(_dump({"id": evaluation_id, "original_verdict": result.original["verdict"],
                          "verdict": result.again.verdict.value,
                          "original_ruleset": result.original["ruleset"]["version"],
                          "ruleset": result.again.ruleset.version,
                          "same_verdict": result.same_verdict,
                          "same_findings": result.same_findings}))
    else:
        click.echo(f"{evaluation_id}: {result.original['verdict']} under ruleset "
                   f"{result.original['ruleset']['version']}; now {result.again.verdict.value} "
                   f"under ruleset {result.again.ruleset.version} "
                   f"({'same' if result.same_verdict else 'CHANGED'} verdict)")
    if not result.same_verdict:
        sys.exit(1)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@DB_OPTION
@RULES_OPTION
def serve_cmd(host: str, port: int, workers: int, db_path: Path, rules_path) -> None:
    """Run the HTTP service on gunicorn (the rules are compiled once, before workers fork).

    If the database has no API token yet, one is created and printed with the URL."""
    from .web.server import serve

    store = Store(db_path)
    try:
        first = None if has_tokens(store) else create_token(store, "first")
    finally:
        store.close()
    click.echo(f"ccrules serving on http://{host}:{port}/ (API docs: /docs), database {db_path}")
    if first:
        click.echo(f"First API token (shown once): {first}")
    config = {"DATABASE": str(db_path)}
    if rules_path:
        config["RULES"] = str(rules_path)
    serve(config, host=host, port=port, workers=workers)
