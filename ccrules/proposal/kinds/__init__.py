"""What varies by a field's kind, in one place: the operators a rule may use on it, the
values a rule term may give it, the values the searches try, its words in reports, how it
is read from text (a sheet's cell, a form's box, a typed what-if) and written back, how a
sheet says to write it, and which widget the form and which question the guided mode use.

Each kind is one class with one instance; a field's `FieldInfo.kind` is that instance.
Code elsewhere calls the kind (or reads its traits) instead of comparing kind names, so a
new kind (a date, an amount of money) is one class here, registered for its Python type
(`register`), plus its tests.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..bounds import Share
from .base import (  # noqa: F401 (the kinds' shared words, read from here)
    BLANK_WORDS,
    NO,
    NONE_WORD,
    PART,
    PLACEHOLDER,
    YES,
    Kind,
    KindFault,
    fold,
    plain_text,
    read_choice,
    split,
)
from .lists import NONE_SUFFIX, Choices, ListKind, MenuOptions, Names  # noqa: F401
from .scalars import Choice, Number, Percentage, Text, Whole, YesNo  # noqa: F401

TEXT, YES_NO, NUMBER_KIND, WHOLE = Text(), YesNo(), Number(), Whole()
PERCENTAGE, CHOICE, CHOICES, NAMES, MENU_OPTIONS = (Percentage(), Choice(), Choices(),
                                                     Names(), MenuOptions())
BY_TYPE: dict[type, Kind] = {str: TEXT, bool: YES_NO, int: WHOLE, float: NUMBER_KIND}
ALL: dict[str, Kind] = {k.name: k for k in (TEXT, YES_NO, NUMBER_KIND, WHOLE, PERCENTAGE,
                                            CHOICE, CHOICES, NAMES, MENU_OPTIONS)}


def register(python_type: type, kind: Kind) -> Kind:
    """Make `kind` the kind of every field of `python_type` (a new kind's one step)."""
    BY_TYPE[python_type] = kind
    ALL[kind.name] = kind
    return kind


BY_MARK: dict[type, Kind] = {Share: PERCENTAGE}


def of_type(python_type: Any, marks: Iterable[Any] = ()) -> Kind:
    """The kind of a scalar field: a Kind, or a mark with a kind, among its Annotated
    marks; else the kind of its type."""
    for mark in marks:
        if isinstance(mark, Kind):
            return mark
        if type(mark) in BY_MARK:
            return BY_MARK[type(mark)]
    try:
        return BY_TYPE[python_type]
    except KeyError:
        raise TypeError(f"no kind of field for {python_type!r}: register one "
                        f"(ccrules.proposal.kinds.register)") from None
