"""Completions of the unknown answers: whether some way of answering what a proposal leaves
open makes given rules fire (or not), searched with the three-valued Python evaluator.

An assignment here is partial: it answers only the unknown facts the rules in question read,
and a rule known true (or false) under it stays so whatever the other unknowns turn out to
be, since an unknown is never read as an answer (tests/test_differential.py). The search is
bounded (`budget` evaluations); past it, `Exhausted` is raised and the caller stays on the
cautious side.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..rulebook.model import Rule

if TYPE_CHECKING:
    from .judge import Judge

BUDGET = 4000  # evaluations per proposal, shared by every search made for it


class Exhausted(Exception):
    """The search went past its budget without an answer."""


@dataclass(frozen=True)
class Goal:
    """Met when any of `rules` evaluates to `want`; failed when all evaluate to not `want`."""

    rules: tuple[Rule, ...]
    want: bool


class Completions:
    """Searches over completions of one proposal's unknown answers."""

    def __init__(self, judge: Judge, facts: dict[str, Any], budget: int = BUDGET,
                 fields: frozenset[str] | None = None):
        """`fields`: the only unknown answers the search may fill (None: any). The others
        stay unknown, so a rule that only they could make fire is out of reach."""
        self.judge, self.facts, self.left, self.fields = judge, facts, budget, fields

    def _open(self, rule: Rule, facts: dict[str, Any]) -> str | None:
        """The first unknown answer the search may fill that `rule` reads, if any."""
        allowed = self.fields
        return next((f for f in self.judge.reads[rule.id] if facts.get(f) is None
                     and (allowed is None or f in allowed)), None)

    def find(self, goals: list[Goal]) -> dict[str, Any] | None:
        """A partial assignment of unknown answers that meets every goal, or None if there
        is none."""
        return self._search(goals, {})

    def make(self, rules: list[Rule], want: bool) -> dict[str, Any] | None:
        """An assignment under which every rule in `rules` is known `want`."""
        return self.find([Goal((r,), want) for r in rules])

    def _search(self, goals: list[Goal], assignment: dict[str, Any]) -> dict[str, Any] | None:
        """Depth-first: a goal met stays met (an answer never undoes a known result), so a
        child only looks again at the goals its parent left open."""
        self.left -= 1
        if self.left < 0:
            raise Exhausted
        facts = self.judge.with_changes(self.facts, assignment) if assignment else self.facts
        evaluators = self.judge.evaluators
        still: list[Goal] = []
        branch: Rule | None = None
        for goal in goals:
            results = [(r, evaluators[r.id](facts)) for r in goal.rules]
            if any(result is goal.want for _, result in results):
                continue  # met
            undecided = [r for r, result in results
                         if result is None and self._open(r, facts) is not None]
            if not undecided:
                return None  # failed: every rule went the other way, or is out of reach
            still.append(goal if len(undecided) == len(goal.rules)
                         else Goal(tuple(undecided), goal.want))
            branch = branch or undecided[0]
        if branch is None:
            return assignment
        field = self._open(branch, facts)
        assert field is not None
        for value in self.judge.domain(field):
            found = self._search(still, {**assignment, field: value})
            if found is not None:
                return found
        return None
