"""Screening a funding round: proposal files, folders and sheets, with the results as a
table, CSV, JSON or a workbook, and stored as versions of their applications."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..report.export import EXPORT_HEADINGS, EXPORT_KEYS, evaluation_values, export_words
from ..report.round import evaluation_row
from ..screening.batch import counts, screen
from ..service import Actor, screen_and_store, upload_words, uploaded, write_csv
from ..sheets.read import round_items
from ..sheets.results import screened_workbook
from ..store.database import Store
from ..store.rounds import find_round
from .common import DB_OPTION, RULES_OPTION, UserError, console, dump, load_rules, login, table


@click.command("screen")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "xlsx"]),
              default="table", show_default=True,
              help="Output format (xlsx: a results workbook, written to -o).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The results workbook to write, with --format xlsx.")
@click.option("--store", "store_results", is_flag=True,
              help="Store every evaluation in the audit database, each as a version of its "
                   "application (by reference): a proposal unchanged since it was last "
                   "stored is not stored again.")
@click.option("--round", "round_name", default=None, metavar="NAME_OR_ID",
              help="With --store: the round the applications join (ccrules round list).")
@DB_OPTION
@RULES_OPTION
def screen_cmd(paths, fmt, output, store_results, round_name, db_path, rules_path) -> None:
    """Screen a funding round: proposal files, folders of *.json files, or sheets (.xlsx
    or .csv, one proposal a row, as `ccrules sheet template` makes them).

    Shows a progress bar (on a terminal's stderr), then verdict counts and one row per
    proposal (file, verdict, range, blockers, majors, open questions). Invalid files are
    listed as 'invalid' with their error; the exit code is 1 if any was invalid.
    """
    from rich.progress import Progress

    if (fmt == "xlsx") != bool(output):
        raise UserError("--format xlsx writes a workbook: give it -o FILE (and -o only "
                        "with --format xlsx)")
    if round_name and not store_results:
        raise UserError("--round names the round stored evaluations join: give --store too")
    rulebook = load_rules(rules_path)
    items = round_items(paths)  # a sheet's rows are its proposals; a faulty sheet, one error
    store = Store(db_path) if store_results else None  # a database fault stops us first
    err = console(stderr=True)
    saved = None
    try:
        round_id = find_round(store, round_name, None)["id"] if store and round_name else None
        # a bar on a terminal; nothing at all (not even its closing newline) in a pipe or log
        with Progress(transient=True, console=err, disable=not err.is_terminal) as bar:
            task = bar.add_task("Screening", total=len(items))
            advance = lambda _: bar.advance(task)  # noqa: E731
            if store:  # one transaction: the round is stored whole or not at all
                results, saved = screen_and_store(store, rulebook, items,
                                                  Actor(None, None, login()), False,
                                                  round_id, advance)
            else:
                results = screen(items, rulebook, progress=advance)
    finally:
        if store:
            store.close()
    rows = [_screen_row(r) for r in results]
    tally = counts(results)
    if fmt == "json":
        click.echo(dump({"counts": tally, "results": rows}))
    elif fmt == "csv":
        import io
        keys = ["file", *EXPORT_KEYS]  # the export's columns, as the round page's CSV
        rows = [{"file": r.name, **export_words(evaluation_values(r.evaluation))}
                if r.evaluation else {"file": r.name, "verdict": "invalid"} for r in results]
        for chunk in write_csv(io.StringIO(), keys, rows, headings=["File", *EXPORT_HEADINGS]):
            sys.stdout.write(chunk)
    else:
        _screen_tables(tally, [_round_row(r) for r in results])
    if fmt == "xlsx":
        output.write_bytes(screened_workbook(results))
        click.echo(f"Wrote {output}: {len(results)} results and the verdict counts.")
    if saved is not None:
        click.echo(f"Stored: {upload_words(uploaded(saved))}.", err=True)
    for r in results:
        if r.error:
            click.echo(f"Error: {r.error}", err=True)
    if any(r.error for r in results):
        sys.exit(1)


def _screen_row(r) -> dict:
    """A screened file in machine terms (for JSON): its name, verdict and counts; an invalid
    file keeps only its name and 'invalid'."""
    ev = r.evaluation
    if not ev:
        return {"name": r.name, "verdict": r.verdict, "id": ""}
    return {"name": r.name, "verdict": ev.verdict.value, "best": ev.verdict_range.best.value,
            "worst": ev.verdict_range.worst.value, "completeness": ev.completeness,
            "blockers": ev.count("blocker"), "majors": ev.count("major"),
            "open_questions": len(ev.missing), "id": ev.id}


def _round_row(r) -> dict:
    """A screened file as the round page shows it (its columns, in words), after its name."""
    if r.evaluation:
        return {"file": r.name, **evaluation_row(r.evaluation)}
    return {"file": r.name, "verdict": "invalid"}


def _screen_tables(tally: dict, rows: list[dict]) -> None:
    out = console(width=120)
    out.print(table("Verdicts", ["verdict", "proposals"],
                    [[verdict.replace("_", " "), str(n)] for verdict, n in tally.items()],
                    right=("proposals",)))
    out.print(table("Proposals", ["file", "verdict", "range", "blockers", "majors",
                                  "questions"],
                    [[r["file"], r["verdict"], r.get("range", ""), str(r.get("blockers", "")),
                      str(r.get("majors", "")), str(r.get("open_questions", ""))]
                     for r in rows], right=("blockers", "majors", "questions")))


