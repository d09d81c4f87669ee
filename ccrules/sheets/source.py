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
from .layout import (
    MAX_BYTES,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_PARTS,
    MAX_SHARED_STRINGS,
    MAX_UNPACKED,
)
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


OTHER_WORKBOOKS = ("xlsm", "xlsb", "xls", "xltx", "xltm", "ods", "numbers")
ARCHIVE_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # zip (.xlsx and kin), old Office


def unsupported(name: str, data: bytes) -> SheetError | None:
    """The fault of an upload that is neither JSON nor a sheet ccrules reads (an .xlsm, an
    old .xls, an .ods, or any other workbook or archive), else None."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix in OTHER_WORKBOOKS or (not sheet_format(name) and data.startswith(ARCHIVE_MAGIC)):
        kind = f"an .{suffix} workbook" if suffix in OTHER_WORKBOOKS else "a workbook or archive"
        return SheetError(f"{name}: not a supported workbook ({kind}): save it as an Excel "
                          f"workbook (.xlsx, without macros) or as .csv, or upload the "
                          f"proposal as JSON")
    return None


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
    first = text.split("\n", 1)[0][:4096]  # the sniffer reads a sample, not a 1 MB line
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
    for part in parts:
        if part.filename.lower().endswith("sharedstrings.xml"):
            strings = _shared_strings(data, part)
            if strings > MAX_SHARED_STRINGS:
                raise TooLarge(f"{name}: a workbook holding more than {MAX_SHARED_STRINGS} "
                               f"different texts (it has about {strings}); a round's sheet "
                               f"needs far fewer")


def _shared_strings(data: bytes, part: zipfile.ZipInfo) -> int:
    """About how many texts a workbook's shared-strings part holds, counted in its XML
    without parsing it (openpyxl loads every one before the first cell is read): each text
    is an <si> element, opened and closed ('si>' twice) or empty ('si/>' once)."""
    marks, tail = 0, b""
    with zipfile.ZipFile(io.BytesIO(data)) as zf, zf.open(part) as stream:
        while chunk := stream.read(1 << 20):
            window = tail + chunk  # a mark split between chunks is counted once
            marks += window.count(b"si>") + window.count(b"si/>")
            tail = window[-3:]
    return marks // 2


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
