"""Static checks on a rulebook: conditions that can never be true, rules that duplicate or
are shadowed by another. Decided by trying every combination of the values that matter to
the conditions involved (each field's region between the thresholds the rules use), with
unknown as one more value: exact for the comparisons rules can make."""

from __future__ import annotations

import itertools
from typing import Any

from ..errors import RuleProblem
from ..judging.judge import Judge, judge_for
from ..kept import Kept
from ..rulebook.conditions import Node, compile_python, leaves
from ..rulebook.loader import Rulebook
from ..rulebook.model import Rule

MAX_COMBINATIONS = 200_000

# A condition's truth table over its fields' regions depends on nothing else, so tables are
# kept between checks: checking rules again after one edit (`ccrules rules check`, a reload)
# computes only the tables of conditions or regions that changed. Bounded by the number of
# cells kept (a cell is one reference), oldest first out.
TABLE_CELLS = 4_000_000
_tables: Kept[tuple, tuple] = Kept(TABLE_CELLS, lambda key, table: len(table))


def _domains(judge: Judge, fields: list[str]) -> list[list[Any]] | None:
    """One value per region of each field (unknown included), or None when the
    combinations are too many to try."""
    domains = [judge.domain(f, exhaustive=True) + [None] for f in fields]
    size = 1
    for d in domains:
        size *= len(d)
    return None if size > MAX_COMBINATIONS else domains


def _frozen(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _table(when: Node, fields: list[str], domains: list[list[Any]]) -> tuple:
    """The condition's value (True, False or None) in every combination of the domains,
    in itertools.product's order."""
    key = (when, tuple(fields), tuple(tuple(_frozen(v) for v in d) for d in domains))
    table = _tables.get(key)
    if table is None:
        test = compile_python(when)
        table = tuple(test(dict(zip(fields, combo, strict=True)))
                      for combo in itertools.product(*domains))
        _tables.put(key, table)
    return table


def _fields(rule: Rule) -> list[str]:
    return sorted({leaf.field for leaf in leaves(rule.when)})


def static_problems(rulebook: Rulebook) -> list[RuleProblem]:
    judge = judge_for(rulebook)
    problems: list[RuleProblem] = []
    tables: dict[str, tuple] = {}
    regions: dict[str, list[list[Any]]] = {}
    for rule in rulebook.rules:
        fields = _fields(rule)
        domains = _domains(judge, fields)
        if domains is None:
            continue
        regions[rule.id] = domains
        tables[rule.id] = table = _table(rule.when, fields, domains)
        if True not in table:
            problems.append(RuleProblem(rule.file or "?", "the condition can never be true "
                                        "(its terms contradict each other)", rule.id,
                                        rule.line))
    rules = rulebook.rules
    for a, b in itertools.combinations(rules, 2):
        if a.id not in tables or b.id not in tables:
            continue
        fa, fb = set(_fields(a)), set(_fields(b))
        if fa == fb and tables[a.id] == tables[b.id]:
            problems.append(RuleProblem(b.file or "?", f"duplicates {a.id}: the two "
                                        f"conditions are true in exactly the same cases",
                                        b.id, b.line))
            continue
        for inner, outer in ((a, b), (b, a)):
            if (inner.severity, inner.dimension) != (outer.severity, outer.dimension):
                continue
            f_in, f_out = _fields(inner), set(_fields(outer))
            if not f_out < set(f_in):
                continue
            # the outer condition over the inner's fields, in the inner table's order
            outer_table = _table(outer.when, f_in, regions[inner.id])
            if all(o is True for i, o in zip(tables[inner.id], outer_table, strict=True)
                   if i is True):
                problems.append(RuleProblem(
                    inner.file or "?", f"is shadowed by {outer.id}: it can fire only when "
                    f"{outer.id} fires, with the same severity and dimension", inner.id,
                    inner.line))
    return problems
