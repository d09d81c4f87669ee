"""Try answers on a proposal's facts with the Python evaluator: the values a field can take
that matter to the rules, the facts with some answers changed, and the verdict they give."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from .conditions import tested_values
from .facts import derive
from .fields import catalogue
from .rule_model import Verdict
from .rulebook import Rulebook
from .verdict import Outcome, classify, verdict_for

PLACEHOLDER = "(named)"  # stands for items of a free-text list when only the count matters


class Prober:
    """Fast what-if verdicts on facts for one rulebook (no engine calls)."""

    def __init__(self, rulebook: Rulebook):
        self.rulebook = rulebook

    def outcome(self, facts: dict[str, Any]) -> Outcome:
        return classify(self.rulebook.rules, self.rulebook.evaluators, facts)

    def verdict(self, facts: dict[str, Any]) -> Verdict:
        rb = self.rulebook
        return verdict_for(rb.policy, rb.rules, self.outcome(facts))

    @cached_property
    def _cuts(self) -> dict[str, dict[str, set]]:
        """Per field, the values and counts that rules compare it with."""
        return tested_values(r.when for r in self.rulebook.rules)

    def domain(self, field: str) -> list[Any]:
        """The values worth trying for a field: each enum member or boolean, numbers on both
        sides of every threshold, lists with and without each tested member or count."""
        info = catalogue()[field]
        cuts = self._cuts.get(field, {"numbers": set(), "members": set(), "counts": set()})
        if info.kind == "enum":
            return list(info.values)
        if info.kind == "bool":
            return [True, False]
        if info.kind in ("int", "number"):
            values = {0}
            for t in cuts["numbers"]:
                values |= {t, t + 1, max(0, t - 1)}
            return sorted(values)
        if info.kind == "enum_list":
            options = [(), tuple(info.values)]
            for m in sorted(cuts["members"]):
                options += [(m,), tuple(v for v in info.values if v != m)]
            return list(dict.fromkeys(options))
        if info.kind == "str_list":
            counts = {0} | {c for t in cuts["counts"] for c in (t, max(0, t - 1))}
            return [tuple(f"{PLACEHOLDER} {i + 1}" for i in range(n)) for n in sorted(counts)]
        return []

    @staticmethod
    def with_changes(facts: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
        """The facts with some answers changed; derived fields follow their inputs unless
        they are themselves changed."""
        new = dict(facts)
        new.update({k: v for k, v in changes.items() if not k.startswith("derived.")})
        new.update(derive(new))
        new.update({k: v for k, v in changes.items() if k.startswith("derived.")})
        return new


def prober_for(rulebook: Rulebook) -> Prober:
    """The rulebook's Prober, made once (it caches what the rules test)."""
    prober = rulebook.__dict__.get("_prober")
    if prober is None:
        prober = rulebook.__dict__["_prober"] = Prober(rulebook)
    return prober
