"""The proposal's parts as the pages and the sheets show them: the identifying answers
first, then one group a part of the model, each with its title; one home for both."""

from __future__ import annotations

from functools import cache

from .fields import FieldInfo, catalogue
from .model import GROUPS

ABOUT = "about"
IDENTITY = ("title", "summary", "applicant", "reference")  # the "about" group's fields
TITLES = {ABOUT: "About the proposal", "problem": "The quality problem",
          "intervention": "The intervention", "core_team": "The core team",
          "enrolment": "Enrolment requirements", "measurement": "Measurement",
          "community": "Community building", "context": "Context"}


def group_of(path: str) -> str:
    """The group a field is shown in ('about' for the identifying answers)."""
    return path.split(".")[0] if "." in path else ABOUT


@cache
def field_groups() -> tuple[tuple[str, str, tuple[FieldInfo, ...]], ...]:
    """(group id, title, fields) for every answer (no derived fields), in the model's order."""
    fields = [f for p, f in catalogue().items() if not p.startswith("derived.")]
    return tuple((g, TITLES[g], tuple(f for f in fields if group_of(f.path) == g))
                 for g in (ABOUT, *GROUPS))
