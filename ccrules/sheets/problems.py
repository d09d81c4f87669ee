"""A sheet's faults, each located by row number and column label (and the column's letter),
one line each: 'row 5, Data submission (column AJ): ...'."""

from __future__ import annotations

from ..errors import ErrorItem, ProposalError


class SheetError(ProposalError):
    """A sheet that cannot be read, or whose cells do not make valid proposals. Each fault's
    location is (row, column label, column letter); a fault of a whole row has no column."""

    title = "Invalid sheet"

    def __str__(self) -> str:
        return "\n".join([self.detail] + [f"  {where(e)}: {e.msg}" for e in self.errors])


def fault(row: int, label: str, letter: str, msg: str) -> ErrorItem:
    return ErrorItem((row, label, letter) if label else (row,), msg)


def where(item: ErrorItem) -> str:
    """'row 5, Data submission (column AJ)'."""
    loc = item.loc
    text = f"row {loc[0]}" if loc else "the sheet"
    if len(loc) >= 3:
        text += f", {loc[1]} (column {loc[2]})"
    return text
