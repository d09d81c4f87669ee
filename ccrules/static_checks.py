"""Static checks on a rulebook: conditions that can never be true, rules that duplicate or
are shadowed by another. Decided by trying every combination of the values that matter to
the conditions involved (each field's region between the thresholds the rules use), with
unknown as one more value: exact for the comparisons rules can make."""

from __future__ import annotations

import itertools
from typing import Any, Iterator

from .conditions import leaves, tested_values
from .errors import RuleProblem
from .fields import catalogue
from .rule_model import Rule
from .rulebook import Rulebook

MAX_COMBINATIONS = 200_000


def _values(field: str, cut: dict[str, set]) -> list[Any]:
    """One value from every region the tests on `field` can tell apart (plus unknown)."""
    info = catalogue()[field]
    if info.kind == "enum":
        values: list[Any] = list(info.values)
    elif info.kind == "bool":
        values = [True, False]
    elif info.kind in ("int", "number"):
        ts = sorted(cut["numbers"])
        points = {0, *ts, *(t + 1 for t in ts), *(max(0, t - 1) for t in ts)}
        points |= {(a + b) / 2 for a, b in zip(ts, ts[1:], strict=False)}
        values = sorted(points)
    elif info.kind == "enum_list":
        tested = sorted(cut["members"])
        others = [v for v in info.values if v not in tested]
        values = []
        for n in range(len(tested) + 1):
            for subset in itertools.combinations(tested, n):
                values += [tuple(subset) + tuple(others[:k]) for k in range(len(others) + 1)]
    else:  # str_list
        top = max(cut["counts"], default=0) + 1
        values = [tuple(f"item {i}" for i in range(n)) for n in range(top + 1)]
    return values + [None]


def _worlds(fields: list[str], cuts: dict) -> Iterator[dict[str, Any]] | None:
    domains = [_values(f, cuts[f]) for f in fields]
    size = 1
    for d in domains:
        size *= len(d)
    if size > MAX_COMBINATIONS:
        return None
    return (dict(zip(fields, combo, strict=True)) for combo in itertools.product(*domains))


def _fields(rule: Rule) -> list[str]:
    return sorted({leaf.field for leaf in leaves(rule.when)})


def static_problems(rulebook: Rulebook) -> list[RuleProblem]:
    cuts = tested_values(r.when for r in rulebook.rules)
    ev = rulebook.evaluators
    problems: list[RuleProblem] = []
    tables: dict[str, list] = {}
    for rule in rulebook.rules:
        worlds = _worlds(_fields(rule), cuts)
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
            worlds = _worlds(sorted(f_in), cuts)
            if worlds is not None and all(ev[outer.id](w) is True for w in worlds
                                          if ev[inner.id](w) is True):
                problems.append(RuleProblem(
                    inner.file or "?", f"is shadowed by {outer.id}: it can fire only when "
                    f"{outer.id} fires, with the same severity and dimension", inner.id,
                    inner.line))
    return problems
