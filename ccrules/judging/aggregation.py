"""How findings add up (the policy's aggregations), on stated findings only: all of some
rules firing, or major findings on at least so many fronts, each weakness counted once.
Both are ccrules' policy, not the paper's finding (docs/validity.md)."""

from __future__ import annotations

from collections.abc import Callable

from ..rulebook.model import Policy, Rule, Verdict

Causes = Callable[[list[Rule]], dict[str, frozenset[str]]]


def aggregations_met(policy: Policy, fired: list[Rule], causes: Causes) -> tuple[str, ...]:
    """The ids of the aggregations the fired findings meet. `causes` gives, for fired rules,
    the stated answers that make each fire (findings sharing one are one weakness)."""
    ids = {r.id for r in fired}
    met = []
    for agg in policy.aggregation:
        if agg.all_of and set(agg.all_of) <= ids:
            met.append(agg.id)
        elif agg.dimensions and agg.at_least is not None:
            majors = [r for r in fired if r.dimension in agg.dimensions
                      and policy.severity_verdicts[r.severity] == Verdict.conditional]
            if len({r.dimension for r in majors}) < agg.at_least:
                continue  # too few fronts even before counting each weakness once
            if fronts(majors, causes(majors)) >= agg.at_least:
                met.append(agg.id)
    return tuple(met)


def fronts(majors: list[Rule], causes: dict[str, frozenset[str]]) -> int:
    """How many fronts (dimensions) the major findings weaken, each weakness counted once:
    findings that share a stated answer behind them are one weakness, which counts for one
    of its dimensions only (a largest matching of weaknesses to dimensions)."""
    groups: list[tuple[set[str], set[str]]] = []  # (answers, dimensions)
    for rule in majors:
        answers, dims = set(causes.get(rule.id, ())), {rule.dimension.value}
        for g in [g for g in groups if g[0] & answers]:
            groups.remove(g)
            answers |= g[0]
            dims |= g[1]
        groups.append((answers, dims))
    taken: dict[str, int] = {}  # dimension -> the weakness counted for it

    def place(i: int, seen: set[str]) -> bool:
        for dim in sorted(groups[i][1]):
            if dim not in seen:
                seen.add(dim)
                if dim not in taken or place(taken[dim], seen):
                    taken[dim] = i
                    return True
        return False
    return sum(place(i, set()) for i in range(len(groups)))
