"""What an answer may be: strict scalars, the bounds a real programme cannot exceed, bounded
texts and lists, and 'none', which is not a name. The Proposal model (model.py) is built from
these; every bound is in its JSON Schema, so the API docs, the sheet template and the form's
messages state it."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field


class Share:
    """Marks a number as a share out of 100 (its kind is a percentage)."""


# Scalars are strict: "true", 1 and "2" are not booleans or numbers here (the rule engine
# compares loosely, so types must be settled before a fact reaches it).
# Numbers are bounded: no real programme has a million sites or calls a month, and the rule
# engine's JSON reader cannot take every float Python can write.
LIMIT = 100_000  # sites (eligible, enrolled): a national programme of community pharmacies
# may count tens of thousands

# What a real programme cannot exceed, field by field. Each bound is far beyond any programme
# the paper describes (Michigan: 103 ICUs, an inner core of 2-3, 3 months of baseline, calls
# twice a month, 2 residential meetings a year), so no honest answer is refused: what they
# refuse is a slip of the keyboard or a misread question.
MOST_DEPARTMENTS = 100  # kinds of department that must change (pathology, radiology...):
# the largest hospitals have fewer than 100
MOST_CORE_ELEMENTS = 50  # as many as may be named (MAX_ITEMS); a bundle has 3 to 10
MOST_INNER_CORE = 50  # the people who take the decisions: the paper's cores had 2 or 3
MOST_BASELINE_MONTHS = 60  # baseline collected before the start: five years, longer than
# a programme is funded for
MOST_FEEDBACK_LAG_MONTHS = 120  # ten years from collection to feedback (ILCOP's national
# audit reported more than a year after the programme ended)
MOST_CALLS_PER_MONTH = 31  # a community call every day
MOST_MEETINGS_PER_YEAR = 52  # the community gathering in person every week
MOST_RESIDENTIAL_PER_YEAR = 12  # a gathering with nights away every month (Michigan's
# community had two a year)


def _integral(value: Any) -> Any:
    """JSON has one number type: 3.0 is the integer 3 (as JSON Schema reads it); 3.5 is not."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _whole(most: int, least: int = 0) -> Any:
    return Field(strict=True, ge=least, le=most)


def _amount(most: float) -> Any:
    return Field(strict=True, ge=0, le=most)


Bool = Annotated[bool, Field(strict=True)]
NonNeg = Annotated[int, _whole(LIMIT), BeforeValidator(_integral)]
Pct = Annotated[float, _amount(100), Share()]
Departments = Annotated[int, _whole(MOST_DEPARTMENTS), BeforeValidator(_integral)]
CoreCount = Annotated[int, _whole(MOST_CORE_ELEMENTS), BeforeValidator(_integral)]
# at least 1 when stated: an inner core of no one is no inner core (leave it unknown)
InnerCore = Annotated[int, _whole(MOST_INNER_CORE, least=1), BeforeValidator(_integral)]
BaselineMonths = Annotated[int, _whole(MOST_BASELINE_MONTHS), BeforeValidator(_integral)]
LagMonths = Annotated[float, _amount(MOST_FEEDBACK_LAG_MONTHS)]
CallsPerMonth = Annotated[float, _amount(MOST_CALLS_PER_MONTH)]
MeetingsPerYear = Annotated[float, _amount(MOST_MEETINGS_PER_YEAR)]
ResidentialPerYear = Annotated[float, _amount(MOST_RESIDENTIAL_PER_YEAR)]

Text = Annotated[str, Field(strict=True, max_length=5000)]
Short = Annotated[str, Field(strict=True, max_length=300)]
Name = Annotated[str, Field(strict=True, min_length=1, max_length=200)]
# Lists are bounded too: no real proposal names more, and an unbounded list is a costly
# request (the schema states each bound).
MAX_ITEMS = 50  # names: departments, institutions, networks, affiliations, measures
MAX_OPTIONS = 30  # options on a menu

# 'none' as the form, the sheets and guided mode write it: there it means an empty list. In
# a list of names it is not a name, and beside named items it contradicts them.
NONE_NAMES = ("none", "none of these")


def is_none_word(text: str) -> bool:
    return " ".join(text.lower().split()) in NONE_NAMES


def named_items(names: list[str]) -> str:
    """The first few names, for a message: 'pathology, radiology'."""
    named = [n for n in names if not is_none_word(n)]
    return ", ".join(named[:3]) + (" ..." if len(named) > 3 else "")


def _none_alone(names: list[str]) -> list[str]:
    if any(is_none_word(n) for n in names):
        if len(names) == 1:
            raise ValueError(f"{names[0]!r} is not a name: an empty list states that there "
                             f"are none")
        raise ValueError(f"'none' is listed beside named items ({named_items(names)}): give "
                         f"the names without 'none', or an empty list if there are none")
    return names


Names = Annotated[list[Name], Field(max_length=MAX_ITEMS), AfterValidator(_none_alone)]


def plain_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def meetings_stated(value: float) -> str:
    """'meeting a year is stated', 'meetings a year are stated'."""
    return "meeting a year is stated" if value == 1 else "meetings a year are stated"
