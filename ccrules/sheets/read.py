"""A sheet (.xlsx or .csv) to proposals: each row below the header a proposal, named by its
row number (and title). The header is found by the row of field paths (the template's row
3), or else by a row of labels (a sheet made by hand). Every fault is reported at once, by
row and column; a sheet with any fault gives no proposal at all (as a JSON batch is stored
whole or not at all)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import ErrorItem, ProposalError
from ..proposal.model import Proposal
from ..proposal.reading import TooLarge
from ..proposal.words import count
from ..screening.batch import collect_files
from ..suggestions import suggest
from .cells import CellFault, read_cell
from .layout import MAX_BYTES, MAX_ROWS, Column, by_label, by_path, fold, letter
from .problems import SheetError, fault
from .source import Grid, open_grid, sheet_format

HEADER_SCAN = 5  # the header is within the first rows
MAX_FAULTS = 200  # listed; a sheet with more is refused with the first ones
MAX_HEADING = 100  # characters; every label and field path is under 50
MAX_CELL = 10_000  # characters in a cell: a text answer is at most 5,000


@dataclass
class SheetRow:
    """One proposal read from a sheet, with its row number and name."""

    row: int
    name: str
    proposal: Proposal


@dataclass
class Header:
    first: int  # the first proposal's row
    columns: dict[int, Column]  # by column number, from 1
    faults: list[ErrorItem]


def read_sheet(data: bytes, name: str, fmt: str | None = None,
               max_rows: int = MAX_ROWS) -> list[SheetRow]:
    """Every proposal in the sheet, in row order; SheetError listing every fault by row and
    column, or TooLarge past a limit (more than `max_rows` proposals)."""
    grid = open_grid(data, name, fmt)
    header = _header(grid, name)
    rows = [(r, grid.rows[r - 1]) for r in range(header.first, len(grid.rows) + 1)
            if not _blank(grid, r)]
    if len(rows) > max_rows:
        raise TooLarge(f"{name}: {len(rows)} proposals; a sheet may hold at most {max_rows}")
    faults, out = list(header.faults), []
    for r, cells in rows:
        proposal, problems, title = _proposal(grid, header, r, cells)
        faults += problems
        if proposal is not None:
            out.append(SheetRow(r, f"{name} row {r}" + (f": {title}" if title else ""),
                                proposal))
    if faults:
        shown = faults[:MAX_FAULTS]
        more = f" (the first {MAX_FAULTS} are listed)" if len(faults) > MAX_FAULTS else ""
        raise SheetError(f"{name}: the sheet has {count(len(faults), 'fault')}{more}; none "
                         f"of its proposals was read.", shown)
    if not out:
        raise SheetError(f"{name}: the sheet holds no proposal (one a row, below the "
                         f"header rows).")
    return out


def read_sheet_file(path: str | Path, max_rows: int = MAX_ROWS) -> list[SheetRow]:
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise TooLarge(f"{path.name}: larger than {MAX_BYTES} bytes")
        data = path.read_bytes()
    except OSError as exc:
        raise ProposalError(f"{path}: cannot read: {exc.strerror or exc}") from None
    return read_sheet(data, path.name, max_rows=max_rows)


def sheet_items(path: str | Path, max_rows: int = MAX_ROWS) -> list[tuple[str, Any]]:
    """(name, proposal) for each row of a sheet file, or one (file name, error) when the
    sheet cannot be read: what `screen` takes."""
    try:
        return [(row.name, row.proposal) for row in read_sheet_file(path, max_rows)]
    except ProposalError as exc:
        return [(Path(path).name, exc)]


# --- the header --------------------------------------------------------------------------

def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else "" if value is None else str(value)


def _cell(grid: Grid, r: int, c: int) -> Any:
    row = grid.rows[r - 1] if 0 < r <= len(grid.rows) else []
    return row[c - 1] if c <= len(row) else None


def _find(grid: Grid, known: dict[str, Column], key: Any) -> int | None:
    for r, row in enumerate(grid.rows[:HEADER_SCAN], start=1):
        if any(key(_text(v)) in known for v in row if _text(v)):
            return r
    return None


def _header(grid: Grid, name: str) -> Header:
    paths, labels = by_path(), by_label()
    path_row = _find(grid, paths, lambda t: t)
    label_row = (path_row - 1 or None) if path_row else _find(grid, labels, fold)
    if not path_row and not label_row:
        raise SheetError(f"{name}: no header: the sheet needs the template's header rows "
                         f"(labels in row 2, field paths in row 3), or at least a row of "
                         f"labels.")
    heading_row = path_row or label_row or 0
    width = max((len(r) for r in grid.rows), default=0)
    columns: dict[int, Column] = {}
    seen: dict[str, int] = {}
    faults = []
    for c in range(1, width + 1):
        path = _text(_cell(grid, path_row, c)) if path_row else ""
        label = _text(_cell(grid, label_row, c)) if label_row else ""
        where: int = (path_row if path else label_row) or heading_row
        col = paths.get(path) if path else labels.get(fold(label)) if label else None
        if col is None:
            heading = label or path
            if len(heading) > MAX_HEADING:
                faults.append(fault(where, heading[:40] + "...", letter(c), (
                    f"unknown column: a heading of {len(heading)} characters (the "
                    f"template's headings are under {MAX_HEADING})")))
            elif heading:
                hint = suggest(path, paths) if path else \
                    suggest(label, [k.label for k in labels.values()])
                faults.append(fault(where, heading, letter(c), "unknown column" + (
                    hint or "; the template's columns are the proposal's fields")))
            elif _has_values(grid, heading_row + 1, c):
                faults.append(fault(where, "(no heading)", letter(c),
                                    "a column with values but no heading"))
            continue
        if col.path in seen:
            faults.append(fault(where, col.label, letter(c),
                                f"the same field as column {letter(seen[col.path])}"))
            continue
        seen[col.path] = c
        columns[c] = col
    return Header(heading_row + 1, columns, faults)


def _has_values(grid: Grid, first: int, c: int) -> bool:
    return any(_text(_cell(grid, r, c)) for r in range(first, len(grid.rows) + 1))


def _blank(grid: Grid, r: int) -> bool:
    return not any(_text(v) for v in grid.rows[r - 1]) and \
        not any(fr == r for fr, _ in grid.faults)


# --- a row --------------------------------------------------------------------------------

def _proposal(grid: Grid, header: Header, r: int, cells: list[Any]
              ) -> tuple[Proposal | None, list[ErrorItem], str]:
    """A row's proposal (None when it has faults), its faults and its title."""
    data: dict[str, Any] = {}
    faults = []
    for c, col in header.columns.items():
        value = cells[c - 1] if c <= len(cells) else None
        if (r, c) in grid.faults:
            faults.append(fault(r, col.label, letter(c), grid.faults[(r, c)]))
            continue
        if isinstance(value, str) and len(value) > MAX_CELL:
            faults.append(fault(r, col.label, letter(c), f"{len(value)} characters, more "
                                f"than the {MAX_CELL} a cell may hold"))
            continue
        try:
            value = read_cell(col, value, (r, c) in grid.percent)
        except CellFault as exc:
            faults.append(fault(r, col.label, letter(c), str(exc)))
            continue
        if value is not None:
            _put(data, col.path, value)
    title = str(data.get("title", ""))
    try:
        proposal = Proposal.model_validate(data)
    except ValidationError as exc:
        at = {col.path: c for c, col in header.columns.items()}
        faults += [_model_fault(r, e, at) for e in exc.errors()]
        return None, faults, title
    return (None if faults else proposal), faults, title


def _put(data: dict[str, Any], path: str, value: Any) -> None:
    *groups, leaf = path.split(".")
    for g in groups:
        data = data.setdefault(g, {})
    data[leaf] = value


def _model_fault(r: int, err: Any, at: dict[str, int]) -> ErrorItem:
    """The model's own fault, at the cell it comes from: 'Input should be less than or
    equal to 100 (the cell has 150)'."""
    loc = tuple(err["loc"])
    msg = str(err["msg"]).removeprefix("Value error, ")  # a cross-field check's own words
    for i in range(len(loc), 0, -1):
        path = ".".join(str(k) for k in loc[:i])
        if all(isinstance(k, str) for k in loc[:i]) and path in at:
            col = by_path()[path]
            rest = _rest(col, loc[i:])
            given = err.get("input")
            shown = f" (the cell has {given!r})" if isinstance(given, (int, float, str)) \
                and not isinstance(given, bool) and len(str(given)) <= 60 \
                and err["type"] != "value_error" else ""  # a cross-field check says it
            return fault(r, col.label, letter(at[path]), f"{rest}{msg}{shown}")
    return fault(r, "", "", f"{'.'.join(map(str, loc))}: {msg}")


def _rest(col: Column, rest: tuple) -> str:
    """Where inside a list cell: 'item 3: ' or 'option 2, name: '."""
    words = []
    for k in rest:
        if isinstance(k, int):
            words.append(f"{col.kind.item_word} {k + 1}")
        else:
            words.append(str(k).replace("_", " "))
    return ", ".join(words) + ": " if words else ""


def round_items(paths: Iterable[str | Path], max_rows: int = MAX_ROWS
                ) -> list[tuple[str, Any]]:
    """What `screen` takes for a round given as paths: JSON files (and the *.json files in
    folders) as they are, and each row of a sheet (.xlsx or .csv) as a proposal."""
    items: list[tuple[str, Any]] = []
    for f in collect_files(paths):
        items.extend(sheet_items(f, max_rows) if sheet_format(f.name) else [(f.name, f)])
    return items
