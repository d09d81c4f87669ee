"""Keyset pages over the stored evaluations: a page starts after the last row of the one
before, found by its (sort value, id) through an index, so page 2,000 costs what page 1
does. A cursor is that position as opaque text, bound to the sort it was made under."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from ..errors import CcrulesError

# the sort key of each sortable column, as the indexes of store/schema.py have it
KEYS = {"created_at": "created_at", "verdict": "verdict",
        "title": "coalesce(title, '')", "reference": "coalesce(reference, '')",
        "applicant": "coalesce(applicant, '')"}
MAX_CURSOR = 1000


class BadQuery(CcrulesError):
    """A listing asked for something the store cannot do (e.g. sort by an unknown column)."""

    title = "Invalid query"
    status = 422


@dataclass(frozen=True)
class Order:
    sort: str
    descending: bool

    def __post_init__(self) -> None:
        if self.sort not in KEYS:
            raise BadQuery(f"cannot sort by {self.sort!r}; one of {', '.join(KEYS)}")

    @property
    def key(self) -> str:
        return KEYS[self.sort]

    @property
    def sql(self) -> str:
        direction = "desc" if self.descending else "asc"
        return f"{self.key} {direction}, id {direction}"

    def after(self) -> str:
        """The condition for rows after a position (:after_key, :after_id)."""
        return f"({self.key}, id) {'<' if self.descending else '>'} (:after_key, :after_id)"

    def position(self, row: dict[str, Any]) -> tuple[str, str]:
        value = row.get(self.sort)
        return ("" if value is None else str(value)), row["id"]

    def cursor(self, row: dict[str, Any]) -> str:
        """The cursor of the page that follows `row`."""
        value, ident = self.position(row)
        raw = json.dumps([self.sort, "desc" if self.descending else "asc", value, ident],
                         ensure_ascii=False)
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    def read(self, cursor: str) -> tuple[str, str]:
        """The position a cursor names; BadQuery if it is not one of this order's."""
        try:
            if len(cursor) > MAX_CURSOR:
                raise ValueError
            raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
            sort, direction, value, ident = json.loads(raw.decode())
            if not (isinstance(value, str) and isinstance(ident, str)):
                raise ValueError
        except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
            raise BadQuery("cursor is not one this service gave (pass next_cursor from "
                           "the previous page unchanged)") from None
        if (sort, direction) != (self.sort, "desc" if self.descending else "asc"):
            raise BadQuery(f"cursor was made for sort={sort}&dir={direction}: keep the "
                           f"sort of the page it came from")
        return value, ident
