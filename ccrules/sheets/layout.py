"""The sheet's layout: one column per proposal field, in the model's order and groups, with
the field's label, help, choices and bounds (all read from the model), and the header rows
every sheet has. The same layout serves .xlsx and .csv, so a row number means the same row
in both:

    row 1  the group ("The quality problem")
    row 2  the field's label ("Evidence for a solution")
    row 3  the field's dotted path ("problem.evidence_base"; hidden in a workbook)
    row 4  the first proposal, one proposal a row
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from ..proposal.fields import FieldInfo
from ..proposal.groups import field_groups
from ..proposal.kinds import fold

GROUP_ROW, LABEL_ROW, PATH_ROW, FIRST_ROW = 1, 2, 3, 4

# Limits: the same batch size as a JSON screening, and bounded files (a workbook is a zip,
# so its unpacked size is bounded too, and the cells read, whatever its XML claims).
MAX_ROWS = 100  # proposals a sheet may hold (the web app uses its MAX_BATCH)
MAX_BYTES = 1024 * 1024  # a .csv or .xlsx file, as uploaded
MAX_UNPACKED = 16 * 1024 * 1024  # the parts of an .xlsx, unpacked
MAX_PARTS = 500  # files inside an .xlsx
MAX_COLUMNS = 256  # the template has under 70
MAX_CELLS = 100_000  # cells read, blank ones included
MAX_SHARED_STRINGS = 20_000  # different texts a workbook holds (100 rows of 70 columns: 7,000)

@dataclass(frozen=True)
class Column:
    """One field as a sheet column: the field (its kind reads and writes the cells) and the
    group it is shown under."""

    info: FieldInfo
    group: str

    def __getattr__(self, name: str) -> Any:
        """The field's own: path, kind, label, description, question, bounds."""
        if name == "info":  # not yet set (a copy being made): no recursion
            raise AttributeError(name)
        return getattr(self.info, name)

    @property
    def is_list(self) -> bool:
        return self.info.kind.is_list

    def help(self) -> str:
        """The cell note: what the field means, the question to the applicant, and how to
        write an answer."""
        parts = [self.description, "Question: " + self.question if self.question else "",
                 self.how_to_write(), "Blank means unknown."]
        return "\n\n".join(p for p in parts if p)

    def how_to_write(self) -> str:
        return self.kind.how_to_write(self.info)


@cache
def columns() -> tuple[Column, ...]:
    """Every proposal field as a column, in the model's order and groups (menu options
    included, one option a line)."""
    return tuple(Column(info, gid) for gid, _, fields in field_groups() for info in fields)


@cache
def by_path() -> dict[str, Column]:
    return {c.path: c for c in columns()}


@cache
def by_label() -> dict[str, Column]:
    """Columns by their label, folded (a sheet made by hand may carry labels only)."""
    return {fold(c.label): c for c in columns()}


def letter(index: int) -> str:
    """The spreadsheet's name of a column, from 1: 1 -> 'A', 28 -> 'AB'."""
    name = ""
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name
