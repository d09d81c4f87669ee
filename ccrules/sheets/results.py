"""A round's results as a workbook: one row per application in the export's columns
(ccrules.report.export: the same as the CSV and the Markdown), typed (counts and versions as
numbers, completeness as a percentage, the evaluation's time as a date), verdicts coloured,
the header frozen, filters on, a link to each result page when the base URL is known. A
Findings sheet lists each application's findings, a Verdicts sheet counts the verdicts. A
text cell is always written as text, so a workbook never runs it as a formula (and never
shows an apostrophe). Written in openpyxl's write-only mode, so a long round streams through."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from ..report.export import EXPORT_COLUMNS, evaluation_values, export_values
from ..report.model import verdict_words
from ..report.round import verdict_counts
from ..screening.batch import INVALID, Screened
from .layout import letter

NAME = ("name", "File")
FAULTS = ("faults", "Faults")
RESULTS, FINDINGS, COUNTS = "Results", "Findings", "Verdicts"
FINDING_COLUMNS = [("reference", "Reference"), ("version", "Version"), ("title", "Title"),
                   ("rule", "Rule"), ("severity", "Severity"), ("finding", "Finding"),
                   ("message", "What it says")]
FILLS = {"recommended": "C6EFCE", "conditional": "FFEB9C", "not_recommended": "FFC7CE",
         "insufficient_information": "DDEBF7", INVALID: "D9D9D9"}
WIDTHS = {"name": 36, "applicant": 28, "title": 40, "verdict": 22, "range": 30,
          "conditions": 70, "facts": 70, "faults": 70, "link": 40, "decision": 22,
          "decision_reason": 40, "created_at": 18, "reference": 16, "finding": 40,
          "message": 80}
FORMATS = {"completeness": "0%", "created_at": "yyyy-mm-dd hh:mm", "version": "0",
           "blockers": "0", "majors": "0"}
HEADER_FILL = "1F3864"


def stored_result(listed: Mapping[str, Any], link: str = "") -> dict[str, Any]:
    """A stored evaluation (Store.stream(asks=True)), as a results row."""
    return export_values(listed, link)


def invalid_result(name: str, error: Any) -> dict[str, Any]:
    """A proposal (or a whole sheet) that could not be read, as a results row."""
    return {"name": name, "verdict": INVALID, "_verdict": INVALID, "faults": str(error)}


def screened_workbook(results: list[Screened], base_url: str = "") -> bytes:
    """The workbook of a round just screened: a row per proposal, named (an invalid one with
    its faults); links when the evaluations are stored under `base_url`."""
    rows = [{"name": r.name, **evaluation_values(
                r.evaluation, f"{base_url}/evaluations/{r.evaluation.id}" if base_url else "")}
            if r.evaluation else invalid_result(r.name, r.error) for r in results]
    return results_workbook(rows, names=True, faults=any(r.error for r in results))


def results_workbook(rows: Iterable[Mapping[str, Any]], names: bool = False,
                     faults: bool = False) -> bytes:
    """The workbook as bytes (see write_results)."""
    out = io.BytesIO()
    write_results(rows, out, names, faults)
    return out.getvalue()


def write_results(rows: Iterable[Mapping[str, Any]], out: Any, names: bool = False,
                  faults: bool = False) -> int:
    """Write the workbook to `out` (a binary file): Results (a header row, then `rows`, as
    export_values makes them; a File column first with `names`, a Faults column last with
    `faults`), Findings (each row's findings) and Verdicts (how many of each). Rows stream
    through (the sheets are written side by side): only the verdict counts are kept.
    Returns the number of rows."""
    from openpyxl import Workbook

    columns = ([NAME] if names else []) + EXPORT_COLUMNS + ([FAULTS] if faults else [])
    book = Workbook(write_only=True)
    sheet = _sheet(book, RESULTS, columns)
    found = _sheet(book, FINDINGS, FINDING_COLUMNS)
    verdicts: Counter[str] = Counter()
    styles: dict[tuple[str, str], Any] = {}
    listed = 0
    for row in rows:
        verdicts[row["_verdict"]] += 1
        sheet.append([_cell(sheet, key, row, styles) for key, _ in columns])
        for rule, severity, title, message in row.get("_findings") or []:
            listed += 1
            finding = {"reference": row.get("reference", ""), "version": row.get("version"),
                       "title": row.get("title", ""), "rule": rule, "severity": severity,
                       "finding": title, "message": message, "_verdict": ""}
            found.append([_cell(found, key, finding, styles) for key, _ in FINDING_COLUMNS])
    total = sum(verdicts.values())
    sheet.auto_filter.ref = f"A1:{letter(len(columns))}{total + 1}"
    found.auto_filter.ref = f"A1:{letter(len(FINDING_COLUMNS))}{listed + 1}"
    _counts(book.create_sheet(COUNTS), verdicts)
    book.save(out)
    return total


def _sheet(book: Any, title: str, columns: list[tuple[str, str]]) -> Any:
    sheet = book.create_sheet(title)
    for c, (key, _) in enumerate(columns, start=1):
        sheet.column_dimensions[letter(c)].width = WIDTHS.get(key, 14)
    sheet.freeze_panes = "A2"
    sheet.append([_heading(sheet, text) for _, text in columns])
    return sheet


def _heading(sheet: Any, text: str) -> Any:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    cell = WriteOnlyCell(sheet, value=text)
    cell.font = Font(bold=True, color="FFFFFF")
    cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    return cell


def _cell(sheet: Any, key: str, row: Mapping[str, Any],
          styles: dict[tuple[str, str], Any]) -> Any:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles.cell_style import StyleArray

    value = row.get(key, "")
    cell = WriteOnlyCell(sheet, value=value if value != "" else None)
    if isinstance(value, str) and value:
        cell.data_type = "s"  # text, even when it starts like a formula: never run
    kind = (key, row["_verdict"] if key == "verdict" else "link" if key == "link" and value
            else "")
    style = styles.get(kind)
    if style is None:  # style a cell once per kind; later cells copy its style ids
        _style(cell, kind)
        styles[kind] = StyleArray(cell._style)
    else:
        cell._style = StyleArray(style)
    if kind[1] == "link":
        cell.hyperlink = value
    return cell


def _style(cell: Any, kind: tuple[str, str]) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    cell.alignment = Alignment(wrap_text=True, vertical="top")
    if kind[0] in FORMATS:
        cell.number_format = FORMATS[kind[0]]
    if kind[0] == "verdict":
        fill = FILLS.get(kind[1])
        if fill:
            cell.fill = PatternFill("solid", fgColor=fill)
        cell.font = Font(bold=True)
    elif kind[1] == "link":
        cell.font = Font(color="0563C1", underline="single")


def _counts(sheet: Any, verdicts: Counter[str]) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 12
    sheet.append([_heading(sheet, "Verdict"), _heading(sheet, "Proposals")])
    for verdict, n in verdict_counts(verdicts.elements()).items():
        cell = WriteOnlyCell(sheet, value=verdict_words(verdict))
        cell.fill = PatternFill("solid", fgColor=FILLS.get(verdict, "FFFFFF"))
        sheet.append([cell, n])
    total = WriteOnlyCell(sheet, value="Total")
    total.font = Font(bold=True)
    sheet.append([total, sum(verdicts.values())])
