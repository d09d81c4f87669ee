"""Static checks on a rulebook: conditions that can never be true, rules that duplicate or
are shadowed by another. Decided by trying every combination of the values that matter to
the conditions involved (each field's region between the thresholds the rules use), with
unknown as one more value: exact for the comparisons rules can make."""

from __future__ import annotations

import itertools
from typing import Any, Iterator

from ..errors import RuleProblem
from ..judging.judge import Judge, judge_for
from ..rulebook.conditions import leaves
from ..rulebook.loader import Rulebook
from ..rulebook.model import Rule

MAX_COMBINATIONS = 200_000


def _worlds(judge: Judge, fields: list[str]) -> Iterator[dict[str, Any]] | None:
    """Every combination of one value per region of each field (unknown included), or None
    when there are too many to try."""
    domains = [judge.domain(f, exhaustive=True) + [None] for f in fields]
    size = 1
    for d in domains:
        size *= len(d)
    if size > MAX_COMBINATIONS:
        return None
    return (dict(zip(fields, combo, strict=True)) for combo in itertools.product(*domains))


def _fields(rule: Rule) -> list[str]:
    return sorted({leaf.field for leaf in leaves(rule.when)})


def static_problems(rulebook: Rulebook) -> list[RuleProblem]:
    judge = judge_for(rulebook)
    ev = judge.evaluators
    problems: list[RuleProblem] = []
    tables: dict[str, list] = {}
    for rule in rulebook.rules:
        worlds = _worlds(judge, _fields(rule))
        if worlds is None:
            continue
        table = [(w, ev[rule.id](w)) for w in worlds]
        tables[rule.id] = table
        if not any(result is True for _, result in table):
            problems.append(RuleProblem(rule.file or "?", "the condition can never be true "
                                        "(its terms contradict each other)", rule.id,
                                        rule.line))
    rules = rulebook.rules
    for a, b in itertools.combinations(rules, 2):
        if a.id not in tables or b.id not in tables:
            continue
        fa, fb = set(_fields(a)), set(_fields(b))
        if fa == fb and [r for _, r in tables[a.id]] == [r for _, r in tables[b.id]]:
            problems.append(RuleProblem(b.file or "?", f"duplicates {a.id}: the two "
                                        f"conditions are true in exactly the same cases",
                                        b.id, b.line))
            continue
        for inner, outer in ((a, b), (b, a)):
            if (inner.severity, inner.dimension) != (outer.severity, outer.dimension):
                continue
            f_in, f_out = set(_fields(inner)), set(_fields(outer))
            if not f_out < f_in:
                continue
            worlds = _worlds(judge, sorted(f_in))
            if worlds is not None and all(ev[outer.id](w) is True for w in worlds
                                          if ev[inner.id](w) is True):
                problems.append(RuleProblem(
                    inner.file or "?", f"is shadowed by {outer.id}: it can fire only when "
                    f"{outer.id} fires, with the same severity and dimension", inner.id,
                    inner.line))
    return problems
