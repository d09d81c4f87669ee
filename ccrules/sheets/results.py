"""A round's results as a workbook: one row per proposal in the round's columns and words
(ccrules.report.round, as the round page and its CSV have them), then the conditions of
award and the questions for the applicant in plain language; verdicts coloured, the header
frozen, filters on, a link to each result page when the base URL is known. A second sheet
counts the verdicts. Every text cell is safe from running as a formula. Written in
openpyxl's write-only mode, so a long round streams through."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from ..judging.result import Evaluation
from ..report.model import verdict_words
from ..report.round import COLUMNS, evaluation_row, listing_row, verdict_counts
from ..screening.batch import INVALID, Screened
from ..service import spreadsheet_cell
from .layout import letter

NAME = ("name", "File")
EXTRA = [("conditions", "Conditions of award"), ("questions", "Questions for the applicant")]
FAULTS = ("faults", "Faults")
RESULTS, COUNTS = "Results", "Verdicts"
FILLS = {"recommended": "C6EFCE", "conditional": "FFEB9C", "not_recommended": "FFC7CE",
         "insufficient_information": "DDEBF7", INVALID: "D9D9D9"}
WIDTHS = {"name": 36, "applicant": 28, "title": 40, "verdict": 22, "range": 30,
          "conditions": 70, "questions": 70, "faults": 70, "link": 40, "id": 30,
          "created_at": 20}
HEADER_FILL = "1F3864"


def numbered(texts: Iterable[str]) -> str:
    """'1. first\\n2. second' (blank when there is nothing)."""
    return "\n".join(f"{i}. {t}" for i, t in enumerate(texts, start=1))


def evaluation_result(ev: Evaluation, link: str = "", name: str = "") -> dict[str, Any]:
    """An evaluation just made, as a results row."""
    return {"name": name, **evaluation_row(ev, link), "_verdict": ev.verdict.value,
            "conditions": numbered(c.text for c in ev.conditions),
            "questions": numbered(m.question for m in ev.missing)}


def stored_result(listed: Mapping[str, Any], link: str = "") -> dict[str, Any]:
    """A stored evaluation (its listing row with its conditions' texts and questions, as
    Store.stream(asks=True) reads them), as a results row."""
    return {**listing_row(listed, link), "_verdict": listed["verdict"],
            "conditions": numbered(listed.get("conditions") or []),
            "questions": numbered(listed.get("questions") or [])}


def invalid_result(name: str, error: Any) -> dict[str, Any]:
    """A proposal (or a whole sheet) that could not be read, as a results row."""
    return {"name": name, "verdict": INVALID, "_verdict": INVALID, "faults": str(error)}


def screened_workbook(results: list[Screened], base_url: str = "") -> bytes:
    """The workbook of a round just screened: a row per proposal, named (an invalid one with
    its faults); links when the evaluations are stored under `base_url`."""
    rows = [evaluation_result(r.evaluation, f"{base_url}/evaluations/{r.evaluation.id}"
                              if base_url else "", r.name)
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
    """Write the workbook to `out` (a binary file): Results (a header row, then `rows`; a
    File column first with `names`, a Faults column last with `faults`) and Verdicts (how
    many of each). Rows stream through: only the verdict counts are kept. Returns the
    number of rows."""
    from openpyxl import Workbook

    columns = ([NAME] if names else []) + COLUMNS + EXTRA + ([FAULTS] if faults else [])
    book = Workbook(write_only=True)
    sheet = book.create_sheet(RESULTS)
    for c, (key, _) in enumerate(columns, start=1):
        sheet.column_dimensions[letter(c)].width = WIDTHS.get(key, 14)
    sheet.freeze_panes = "A2"
    sheet.append([_heading(sheet, text) for _, text in columns])
    verdicts: Counter[str] = Counter()
    styles: dict[tuple[str, str], Any] = {}
    for row in rows:
        verdicts[row["_verdict"]] += 1
        sheet.append([_cell(sheet, key, row, styles) for key, _ in columns])
    total = sum(verdicts.values())
    sheet.auto_filter.ref = f"A1:{letter(len(columns))}{total + 1}"
    _counts(book.create_sheet(COUNTS), verdicts)
    book.save(out)
    return total


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
    cell = WriteOnlyCell(sheet, value=spreadsheet_cell(value) if value != "" else None)
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
