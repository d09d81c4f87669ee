"""The base kind (what every kind answers) and the pieces kinds share: reading words,
choices and lists of items from text."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any, ClassVar

from ...errors import ErrorItem
from ...suggestions import suggest
from .. import words

if TYPE_CHECKING:  # pragma: no cover
    from ..fields import FieldInfo

PLACEHOLDER = "(named)"  # stands for items of a free-text list when only the count matters
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
TRUE_WORDS, FALSE_WORDS = {"yes", "y", "true"}, {"no", "n", "false"}
YES, NO = "yes", "no"
NONE_WORD = "none"  # an empty list, stated as none
BLANK_WORDS = ("unknown", "not stated")  # read as blank: unknown
PART = "|"  # separates a menu option's name, evidence and measures in one line of text
SCALAR_OPS = frozenset({"eq", "ne"})
ORDER_OPS = frozenset({"lt", "le", "gt", "ge"})
COUNT_OPS = frozenset({"count_ge", "count_lt"})


class KindFault(ValueError):
    """A value that does not fit the field's kind; the message says why, in plain words."""


def fold(text: str) -> str:
    """Text as compared with a label or a choice: case, spacing, curly quotes and
    underscores do not matter."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("_", " ")
    return " ".join(text.lower().split())


def split(text: str, lines_only: bool = False) -> list[str]:
    """A list's items in one text: one a line when it has line breaks (semicolons then stay
    in the item), else separated by semicolons. Blank items are dropped."""
    parts = text.splitlines() if lines_only or "\n" in text or "\r" in text \
        else text.split(";")
    return [p.strip() for p in parts if p.strip()]


def plain_text(raw: Any) -> str:
    """A cell's content as text: yes or no for a boolean, 3 for 3.0, a date as ISO."""
    if isinstance(raw, bool):
        return YES if raw else NO
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, (datetime, date, time)):
        return raw.isoformat()
    return str(raw)


def _ints(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


class Kind:
    """The base kind: what every kind answers. Subclasses set the traits and override the
    methods that differ."""

    name: ClassVar[str] = ""
    ops: ClassVar[frozenset[str]] = frozenset()
    is_list: ClassVar[bool] = False
    changeable: ClassVar[bool] = True  # rules test it; what-ifs, searches and guided set it
    question: ClassVar[str] = ""  # how the guided mode asks: one, many, range, names
    widget: ClassVar[str] = "text"  # the form's macro (api/templates/_widgets.html)
    input_type: ClassVar[str] = "text"  # the text widget's HTML input type
    wanted: ClassVar[str] = "text"  # what a fault says the field needs
    numeric: ClassVar[bool] = False
    whole: ClassVar[bool] = False  # numbers: whole numbers only
    top: ClassVar[float] = math.inf  # numbers: the largest value the kind can take
    percent: ClassVar[bool] = False  # a share out of 100 (a sheet may show it as 85%)
    as_tuple: ClassVar[bool] = False  # a fact carries it as a tuple (lists of scalars)
    item_word: ClassVar[str] = "item"  # what a place inside a list is called in a fault

    def __str__(self) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"<kind {self.name}>"

    # -- rule files -----------------------------------------------------------------------
    def term_value(self, info: FieldInfo, op: str, value: Any) -> Any:
        """The value a rule term compares with, checked (KindFault if it does not fit)."""
        return value

    # -- answers --------------------------------------------------------------------------
    def fits(self, info: FieldInfo, value: Any) -> bool:
        """Whether a JSON value is an answer of this kind."""
        return isinstance(value, str)

    # -- searches -------------------------------------------------------------------------
    def domain(self, info: FieldInfo, cuts: dict[str, set], exhaustive: bool) -> list[Any]:
        """The values worth trying: one from each region the rules' cuts tell apart."""
        return []

    # -- words ----------------------------------------------------------------------------
    def words(self, info: FieldInfo, value: Any) -> str:
        """A stated value in a funder's words ('not stated' for None)."""
        return words.value_words(value, info.unit)

    # -- text in and out ------------------------------------------------------------------
    def read(self, info: FieldInfo, text: str) -> Any:
        """The value one non-blank text gives (KindFault if it cannot be read)."""
        return text

    def read_raw(self, info: FieldInfo, raw: Any, percent_format: bool = False) -> Any:
        """The value a spreadsheet cell's content gives (text, number, boolean or date)."""
        if isinstance(raw, (datetime, date, time)):
            raise KindFault(f"a date or time ({raw}), not {self.wanted}")
        return self.read(info, plain_text(raw))

    def blank(self, text: str) -> bool:
        """Whether a text means unknown."""
        return not text or fold(text) in BLANK_WORDS

    def write(self, info: FieldInfo, value: Any) -> Any:
        """The value as text (or a number) that `read` reads back to the same value."""
        return str(value)

    def shown(self, value: Any) -> Any:
        """The value as the form shows it."""
        return value if value is None or isinstance(value, list) else str(value)

    def options(self, info: FieldInfo) -> list[tuple[Any, str]]:
        """(value, words) of each answer it can take, where there are few."""
        return []

    def form_options(self, info: FieldInfo) -> list[tuple[str, str]]:
        """(the value the form sends, words) for each option of a select widget."""
        return [(str(self.shown(v)), w) for v, w in self.options(info)]

    def how_to_write(self, info: FieldInfo) -> str:
        """How a sheet's cell note tells the officer to write an answer."""
        return f"Text, at most {info.max_length} characters." if info.max_length else ""

    def validation(self, info: FieldInfo) -> dict[str, Any]:
        """A sheet's data validation for the column (openpyxl's DataValidation keywords);
        `choices` (a list of words) asks for a dropdown from the hidden choices sheet."""
        if info.max_length:
            return {"type": "textLength", "operator": "lessThanOrEqual",
                    "formula1": str(info.max_length),
                    "error": f"At most {info.max_length} characters."}
        return {}

    # -- the form -------------------------------------------------------------------------
    def from_form(self, info: FieldInfo, get: Callable[[str], str],
                  getlist: Callable[[str], list[str]], errors: list[ErrorItem]) -> Any:
        """The field's value from a submitted form (`get` and `getlist` read its boxes),
        None when left blank; faults only the form can see go to `errors`."""
        text = get(info.path).strip()
        return self.read_form(text) if text else None

    def read_form(self, text: str) -> Any:
        return text

    def submitted(self, info: FieldInfo, get: Callable[[str], str],
                  getlist: Callable[[str], list[str]]) -> Any:
        """What was typed, to show the form again exactly as it was sent."""
        return get(info.path) or None


# -- shared pieces ---------------------------------------------------------------------------

def read_choice(choices: Sequence[tuple[str, str]], text: str, item: int | None = None,
                list_hint: bool = False) -> str:
    """A choice by its words or its machine value, compared loosely; KindFault naming the
    nearest choice (or listing them) otherwise."""
    wanted = fold(text)
    for value, said in choices:
        if wanted in (fold(value), fold(said)):
            return value
    where = f"item {item}: " if item else ""
    hint = "; separate items with semicolons or line breaks" \
        if list_hint and "," in text else ""
    known = [w for _, w in choices] + [v for v, _ in choices]
    close = suggest(text.lower(), dict.fromkeys(known)) or \
        " (the choices: " + "; ".join(w for _, w in choices) + ")"
    shown = text if len(text) <= 60 else text[:57] + "..."
    raise KindFault(f"{where}{shown!r} is not one of the choices{close}{hint}")


def _member(info: FieldInfo, value: Any) -> str:
    if not isinstance(value, str) or value not in info.values:
        raise KindFault(f"{value!r} is not one of {', '.join(info.values)}"
                        f"{suggest(str(value), info.values)}")
    return value


def _count(value: Any) -> int:
    value = _ints(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise KindFault(f"needs a whole number of items, got {value!r}")
    return value


def _num(value: float | None) -> str:
    return words.number(value) if value is not None else "?"


def _plain(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
