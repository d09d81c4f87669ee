"""The template: a workbook (or CSV) with one column per proposal field and one row per
proposal. The workbook groups its columns under coloured group headings, carries each
field's help as a note on its label, offers choices as dropdowns (the choices in words, on
a hidden sheet), checks numbers against the model's bounds, and keeps the field paths in a
hidden row 3 (and on the Help sheet) for a machine to read. The CSV has the same three
header rows, so a row number means the same row in both."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from ..proposal.groups import TITLES as GROUP_TITLES
from ..service import spreadsheet_cell
from .layout import (
    FIRST_ROW,
    GROUP_ROW,
    LABEL_ROW,
    MAX_ROWS,
    PATH_ROW,
    Column,
    columns,
    letter,
)

SHEET, CHOICES, HELP = "Proposals", "Choices", "Help"
COLOURS = {"about": "D9E1F2", "problem": "FCE4D6", "intervention": "E2EFDA",
           "core_team": "FFF2CC", "enrolment": "DDEBF7", "measurement": "EADCF8",
           "community": "D5F0EE", "context": "E7E6E6"}
WIDTHS = {"title": 36, "summary": 48}
INTRO = ("One proposal a row on the Proposals sheet, from row 4. Blank means unknown (never "
         "'no'). Choices may be picked from the dropdown or typed; lists take one item a "
         "line (or items separated by semicolons), and 'none' for an empty list. Formulas "
         "are never calculated: a formula's saved value is read.")


def header_rows() -> list[list[str]]:
    """The three header rows: groups (named at each group's first column), labels, paths."""
    cols = columns()
    groups = [GROUP_TITLES[c.group] if i == 0 or cols[i - 1].group != c.group else ""
              for i, c in enumerate(cols)]
    return [groups, [c.label for c in cols], [c.path for c in cols]]


def csv_bytes(rows: Iterable[Sequence[Any]]) -> bytes:
    """The CSV sheet (UTF-8 with a byte-order mark, as Excel reads it): the header rows,
    then one row per proposal (cells written by cells.write_cell; formula-like text gets an
    apostrophe, which the reader drops)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerows(header_rows())
    writer.writerows([("" if v is None else spreadsheet_cell(v)) for v in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(rows: Iterable[Sequence[Any]]) -> bytes:
    """The workbook: Proposals (header rows, then one row per proposal), Help, and the
    hidden Choices sheet the dropdowns read."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    cols = columns()
    _header(sheet, cols)
    wrap = Alignment(wrap_text=True, vertical="top")
    for r, row in enumerate(rows, start=FIRST_ROW):
        for c, value in enumerate(row, start=1):
            if value is not None:
                cell = sheet.cell(r, c, _legal(value))
                if isinstance(value, str):
                    cell.data_type = "s"  # text, never a formula (and no apostrophe shown)
                cell.alignment = wrap
    _help(book.create_sheet(HELP), cols)
    _validations(book, sheet, cols)
    sheet.freeze_panes = sheet.cell(FIRST_ROW, 2)
    sheet.row_dimensions[PATH_ROW].hidden = True
    book.active = 0
    for name in (SHEET, HELP):
        book[name].sheet_view.tabSelected = name == SHEET
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _legal(value: Any) -> Any:
    """Control characters a workbook cannot hold are dropped."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _header(sheet: Any, cols: Sequence[Column]) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill

    groups, labels, paths = header_rows()
    top = Alignment(wrap_text=True, vertical="top")
    start = 1
    for c, col in enumerate(cols, start=1):
        fill = PatternFill("solid", fgColor=COLOURS[col.group])
        group = sheet.cell(GROUP_ROW, c, groups[c - 1] or None)
        group.font, group.fill = Font(bold=True, size=12), fill
        label = sheet.cell(LABEL_ROW, c, labels[c - 1])
        label.font, label.fill, label.alignment = Font(bold=True), fill, top
        note = col.help()
        label.comment = Comment(note, "ccrules", width=360,
                                height=min(400, 60 + 18 * (len(note) // 48 + 1)))
        path = sheet.cell(PATH_ROW, c, paths[c - 1])
        path.font = Font(color="808080", size=8)
        sheet.column_dimensions[letter(c)].width = WIDTHS.get(
            col.path, 30 if col.is_list else 22)
        last = c == len(cols) or cols[c].group != col.group
        if last:
            if c > start:
                sheet.merge_cells(start_row=GROUP_ROW, start_column=start,
                                  end_row=GROUP_ROW, end_column=c)
            start = c + 1
    sheet.row_dimensions[LABEL_ROW].height = 48


def _validations(book: Any, sheet: Any, cols: Sequence[Column]) -> None:
    """Dropdowns for choices, yes/no/unknown for booleans, bounds for numbers, lengths for
    text; each with the field's question as its prompt."""
    from openpyxl.worksheet.datavalidation import DataValidation

    choices = book.create_sheet(CHOICES)
    choices.sheet_state = "hidden"
    last_row = FIRST_ROW + MAX_ROWS - 1
    n = 0
    for c, col in enumerate(cols, start=1):
        kw = col.kind.validation(col.info)
        if "choices" in kw:  # a dropdown of the choices' words, kept on the hidden sheet
            n += 1
            said = kw.pop("choices")
            choices.cell(1, n, col.path)
            for i, words in enumerate(said, start=2):
                choices.cell(i, n, words)
            kw.update(type="list",
                      formula1=f"{CHOICES}!${letter(n)}$2:${letter(n)}${len(said) + 1}")
        dv = DataValidation(allow_blank=True, showErrorMessage=bool(kw),
                            errorTitle=col.label[:32], showInputMessage=True,
                            promptTitle=col.label[:32],
                            prompt=(col.question or col.description)[:255], **kw)
        dv.add(f"{letter(c)}{FIRST_ROW}:{letter(c)}{last_row}")
        sheet.add_data_validation(dv)


def _help(sheet: Any, cols: Sequence[Column]) -> None:
    """One row a field: its group, label, path, meaning, question and how to write it."""
    from openpyxl.styles import Alignment, Font

    sheet["A1"] = INTRO
    sheet["A1"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells("A1:F1")
    sheet.row_dimensions[1].height = 64
    heads = ["Group", "Column", "Field path", "What it means", "Question for the applicant",
             "How to write it"]
    for c, head in enumerate(heads, start=1):
        sheet.cell(3, c, head).font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for r, col in enumerate(cols, start=4):
        values = [GROUP_TITLES[col.group], col.label, col.path, col.description,
                  col.question, col.how_to_write()]
        for c, value in enumerate(values, start=1):
            sheet.cell(r, c, value).alignment = wrap
    for c, width in enumerate((20, 30, 40, 60, 50, 50), start=1):
        sheet.column_dimensions[letter(c)].width = width
    sheet.freeze_panes = "A4"
