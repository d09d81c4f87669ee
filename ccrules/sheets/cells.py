"""One cell to a proposal's value and back, by the column's kind (kinds.py): choices in
words (the machine values read too), yes and no, numbers, lists one item a line (or
separated by semicolons), menu options one a line. Blank always means unknown; 'none' in a
list's cell means an empty list."""

from __future__ import annotations

from typing import Any

from ..proposal.kinds import KindFault
from ..service import FORMULA_STARTS
from .layout import Column


class CellFault(ValueError):
    """A cell that cannot be read as its column's kind; the message says why."""


# --- reading -------------------------------------------------------------------------------

def unquote(text: str) -> str:
    """A leading apostrophe that kept a formula-like text from running is dropped (as a
    spreadsheet drops it): "'=x" reads as "=x"."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def read_cell(col: Column, raw: Any, percent_format: bool = False) -> Any:
    """The JSON value a cell holds for its column: None when blank (unknown); CellFault
    when it cannot be read."""
    if raw is None:
        return None
    if isinstance(raw, str):
        raw = unquote(raw.strip())
        if col.kind.blank(raw):
            return None
    try:
        return col.kind.read_raw(col.info, raw, percent_format)
    except KindFault as exc:
        raise CellFault(str(exc)) from None


# --- writing -------------------------------------------------------------------------------

def write_cell(col: Column, value: Any) -> Any:
    """A proposal's value as the cell shows it (read_cell reads it back to the same value).
    The sheet keeps text from running as a formula as its format allows (template.py): a
    workbook's text cells are typed as text, a CSV's formula-like text gets an apostrophe."""
    if value is None:
        return None
    return col.kind.write(col.info, value)
