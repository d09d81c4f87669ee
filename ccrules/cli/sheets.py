"""Commands on spreadsheets: the template to fill, and JSON proposals exported into it.
(`ccrules screen` reads a filled sheet, and writes results with --format xlsx.)"""

from __future__ import annotations

from pathlib import Path

import click

from ..sheets.export import export_files, template
from ..sheets.layout import FIRST_ROW, MAX_ROWS, columns
from ..sheets.source import sheet_format

FORMAT_OPTION = click.option(
    "--format", "fmt", type=click.Choice(["xlsx", "csv"]), default=None,
    help="Sheet format (default: from the output's suffix, else xlsx).")


def _format(fmt: str | None, output: Path) -> str:
    return fmt or sheet_format(output.name) or "xlsx"


@click.group("sheet")
def sheet_group() -> None:
    """Funding rounds in spreadsheets: the template, and proposals exported into it."""


@sheet_group.command("template")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              required=True, help="The file to write (e.g. round.xlsx or round.csv).")
@FORMAT_OPTION
def template_cmd(output: Path, fmt: str | None) -> None:
    """Write the empty template: one row per proposal, one column per field.

    A workbook has the fields' help as notes, choices as dropdowns and number ranges
    checked; a CSV has the same header rows (groups, labels, field paths). Blank means
    unknown. Fill it in and screen it with `ccrules screen FILE`.
    """
    fmt = _format(fmt, output)
    output.write_bytes(template(fmt))
    click.echo(f"Wrote {output}: the {fmt} template, {len(columns())} columns; one proposal "
               f"a row from row {FIRST_ROW}, at most {MAX_ROWS}.")


@sheet_group.command("export")
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              required=True, help="The sheet to write (e.g. round.xlsx or round.csv).")
@FORMAT_OPTION
def export_cmd(files: tuple[Path, ...], output: Path, fmt: str | None) -> None:
    """Write JSON proposal FILES (or folders of *.json) into the template, one a row.

    Every file is checked first; a fault names the file and the field, and nothing is
    written. The sheet can go out to reviewers and be screened when it comes back.
    """
    fmt = _format(fmt, output)
    data, count = export_files(files, fmt)
    output.write_bytes(data)
    click.echo(f"Wrote {output}: {count} proposal{'' if count == 1 else 's'}, rows "
               f"{FIRST_ROW} to {FIRST_ROW + count - 1}.")
