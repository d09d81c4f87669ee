"""Opening a sheet (.xlsx or .csv bytes) as a grid of raw cell values, within bounds: the
file's size, a workbook's unpacked size and parts, and the cells read. A formula is never
calculated: its value is the one the spreadsheet saved with it, and a formula saved without
a value (or an error value such as #DIV/0!) is a fault of its cell."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

from ..proposal.reading import TooLarge
from .layout import MAX_BYTES, MAX_CELLS, MAX_COLUMNS, MAX_PARTS, MAX_UNPACKED
from .problems import SheetError

SHEET_NAME = "Proposals"  # read when a workbook has it; else its first sheet
FORMATS = ("xlsx", "csv")


@dataclass
class Grid:
    """Raw values by row (rows[0] is row 1), with the cells that could not be read and the
    cells shown as percentages, by (row, column) counted from 1."""

    rows: list[list[Any]] = field(default_factory=list)
    faults: dict[tuple[int, int], str] = field(default_factory=dict)
    percent: set[tuple[int, int]] = field(default_factory=set)


def sheet_format(name: str) -> str | None:
    """'xlsx' or 'csv' from a file's name; None for anything else."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return suffix if suffix in FORMATS else None


def open_grid(data: bytes, name: str, fmt: str | None = None) -> Grid:
    fmt = fmt or sheet_format(name)
    if len(data) > MAX_BYTES:
        raise TooLarge(f"{name}: larger than {MAX_BYTES} bytes")
    if fmt == "csv":
        return _csv_grid(data, name)
    if fmt == "xlsx":
        return _xlsx_grid(data, name)
    raise SheetError(f"{name}: not a sheet (.xlsx or .csv)")


class _Budget:
    """Counts the cells read (blank ones too) and stops a sheet that holds too many."""

    def __init__(self, name: str):
        self.name, self.used = name, 0

    def take(self, row: list[Any]) -> None:
        self.used += 1 + len(row)
        if self.used > MAX_CELLS:
            raise TooLarge(f"{self.name}: more than {MAX_CELLS} cells; a round's sheet "
                           f"needs far fewer")
        if len(row) > MAX_COLUMNS:
            raise TooLarge(f"{self.name}: more than {MAX_COLUMNS} columns")


def _decode(data: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "cp1252"):  # Excel saves CSV as UTF-8 or Windows-1252
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SheetError(f"{name}: not text in UTF-8 or Windows-1252")


def _csv_grid(data: bytes, name: str) -> Grid:
    text = _decode(data, name)
    first = text.split("\n", 1)[0]
    try:  # Excel writes ';' where ',' is the decimal mark
        dialect: Any = csv.Sniffer().sniff(first, delimiters=",;\t") if first else csv.excel
    except csv.Error:
        dialect = csv.excel
    grid, budget = Grid(), _Budget(name)
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=dialect.delimiter):
            budget.take(row)
            grid.rows.append(list(row))
    except csv.Error as exc:
        raise SheetError(f"{name}: not a readable CSV file ({exc})") from None
    return grid


def _check_zip(data: bytes, name: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            parts = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise SheetError(f"{name}: not an Excel workbook (.xlsx); an older .xls must be "
                         f"saved as .xlsx first") from None
    if len(parts) > MAX_PARTS:
        raise TooLarge(f"{name}: a workbook of more than {MAX_PARTS} parts")
    unpacked = sum(p.file_size for p in parts)
    if unpacked > MAX_UNPACKED:
        raise TooLarge(f"{name}: unpacks to {unpacked} bytes, more than {MAX_UNPACKED}")


def _load(data: bytes, name: str, values: bool) -> Any:
    from openpyxl import load_workbook
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=values)
    except Exception as exc:  # a malformed workbook fails in many ways; none is ours
        raise SheetError(f"{name}: cannot read this workbook ({type(exc).__name__})") from None
    sheet = book[SHEET_NAME] if SHEET_NAME in book.sheetnames else book.worksheets[0]
    sheet.reset_dimensions()  # read the cells there are, whatever size the file claims
    return book, sheet


def _xlsx_grid(data: bytes, name: str) -> Grid:
    _check_zip(data, name)
    book, sheet = _load(data, name, values=False)
    grid, budget, formulas = Grid(), _Budget(name), []
    try:
        for r, cells in enumerate(sheet.iter_rows(), start=1):
            row = []
            for c, cell in enumerate(cells, start=1):
                kind, value = getattr(cell, "data_type", "n"), cell.value
                if kind == "f":
                    formulas.append((r, c))
                    value = None
                elif kind == "e":
                    grid.faults[(r, c)] = f"the cell holds an error value ({value})"
                    value = None
                elif isinstance(value, (int, float)) and "%" in (cell.number_format or ""):
                    grid.percent.add((r, c))
                row.append(value)
            budget.take(row)
            grid.rows.append(row)
    except TooLarge:
        raise
    except Exception as exc:
        raise SheetError(f"{name}: cannot read this workbook ({type(exc).__name__})") from None
    finally:
        book.close()
    if formulas:
        _cached_values(data, name, grid, formulas)
    return grid


def _cached_values(data: bytes, name: str, grid: Grid, formulas: list[tuple[int, int]]
                   ) -> None:
    """Each formula's value as the spreadsheet saved it (never calculated here)."""
    wanted = set(formulas)
    book, sheet = _load(data, name, values=True)
    try:
        for r, cells in enumerate(sheet.iter_rows(max_row=max(r for r, _ in formulas)),
                                  start=1):
            for c, cell in enumerate(cells, start=1):
                if (r, c) not in wanted:
                    continue
                wanted.discard((r, c))
                if cell.value is None or getattr(cell, "data_type", "n") == "e":
                    grid.faults[(r, c)] = ("a formula with no saved value (formulas are "
                                           "never calculated here: paste its value instead)")
                else:
                    grid.rows[r - 1][c - 1] = cell.value
    finally:
        book.close()
    for r, c in wanted:
        grid.faults[(r, c)] = "a formula with no saved value (paste its value instead)"
