"""What changed between two versions of a proposal, field by field: each answer given,
changed or taken away, by its dotted path and the funder's label for it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pydantic import BaseModel, Field


class Change(BaseModel):
    path: str = Field(description="The field's dotted path, e.g. enrolment.data_submission.")
    label: str = Field(description="The field's label on the form.")
    before: Any = Field(description="The earlier version's answer (null: not given).")
    after: Any = Field(description="This version's answer (null: not given).")
    before_words: str = Field(description="The earlier answer in words.")
    after_words: str = Field(description="This version's answer in words.")


def _leaves(data: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            yield from _leaves(value, path + ".")
        elif value is not None and value != "":
            yield path, value


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[Change]:
    """Every answer that differs between `before` and `after` (proposal data as stored), in
    the order of the later version's fields, then those it no longer gives."""
    from .fields import catalogue
    from .words import value_words

    old, new = dict(_leaves(before)), dict(_leaves(after))
    fields = catalogue()

    def said(path: str, given: dict[str, Any]) -> str:
        if path not in given:
            return "not given"
        info = fields.get(path)
        return info.words(given[path]) if info else value_words(given[path])
    paths = [p for p in new if old.get(p) != new[p]] + [p for p in old if p not in new]
    return [Change(path=p, label=fields[p].label if p in fields else p, before=old.get(p),
                   after=new.get(p), before_words=said(p, old), after_words=said(p, new))
            for p in paths]
