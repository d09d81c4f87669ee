"""How findings add up (the policy's `aggregation`), one class per kind: all of some rules
firing (`AllOf`), or major findings on at least so many fronts, each weakness counted once
(`Fronts`). Each kind holds when the stated findings meet it (`met`), what a change must
clear to undo it (`obstacles`, for the counterfactual search), the rules it names and its
description; the loader reads each entry as the one kind whose keys it gives (`kind_of`).
Both kinds are ccrules' policy, not the paper's finding (docs/validity.md). They count
stated findings only, so the searches over unknown answers need nothing from them.

A new kind is one class here with its `keys`, added to KINDS (`register`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import Field

from .model import AGGREGATION_READER, Dimension, Strict, Verdict

if TYPE_CHECKING:  # pragma: no cover
    from .model import Policy, Rule

# for fired rules, the stated answers that make each fire (findings sharing one are one
# weakness)
Causes = Callable[[list["Rule"]], dict[str, frozenset[str]]]


class Aggregation(Strict):
    """What every kind has: its id, title, basis, the paper's lines and why."""

    keys: ClassVar[tuple[str, ...]] = ()  # the keys an entry of this kind gives
    id: str
    title: str
    basis: str = Field(pattern=r"^(paper|interpretation|funder)$")
    lines: str
    why: str = Field(min_length=20)

    def met(self, policy: Policy, fired: list[Rule], causes: Causes) -> bool:
        raise NotImplementedError

    def obstacles(self, policy: Policy, fired: list[Rule]) -> list[tuple[Rule, ...]]:
        """Groups of fired rules, each of which, cleared, undoes this aggregation (the
        cheapest first)."""
        raise NotImplementedError

    def names(self) -> list[str]:
        """The rule ids it names (each must exist)."""
        return []

    def describe(self) -> str:
        """When it holds, in words (docs/validity.md)."""
        raise NotImplementedError


class AllOf(Aggregation):
    """Every rule of `all_of` fires."""

    keys: ClassVar[tuple[str, ...]] = ("all_of",)
    all_of: list[str] = Field(min_length=1)

    def met(self, policy, fired, causes):
        return set(self.all_of) <= {r.id for r in fired}

    def obstacles(self, policy, fired):
        by_id = {r.id: r for r in fired}
        return [(by_id[rid],) for rid in self.all_of if rid in by_id]  # any one off clears it

    def names(self):
        return list(self.all_of)

    def describe(self):
        return f"all of {', '.join(self.all_of)} fire"


class Fronts(Aggregation):
    """Major findings stand in at least `at_least` of `dimensions`, each weakness counted
    once (`fronts`)."""

    keys: ClassVar[tuple[str, ...]] = ("dimensions", "at_least")
    dimensions: list[Dimension] = Field(min_length=1)
    at_least: float  # a number, or {param: name} resolved by the loader

    def majors(self, policy: Policy, fired: list[Rule]) -> list[Rule]:
        return [r for r in fired if r.dimension in self.dimensions
                and policy.severity_verdicts[r.severity] == Verdict.conditional]

    def met(self, policy, fired, causes):
        majors = self.majors(policy, fired)
        if len({r.dimension for r in majors}) < self.at_least:
            return False  # too few fronts even before counting each weakness once
        return fronts(majors, causes(majors)) >= self.at_least

    def obstacles(self, policy, fired):
        by_front: dict[Any, list[Rule]] = {}
        for r in self.majors(policy, fired):
            by_front.setdefault(r.dimension, []).append(r)
        return [tuple(rs) for rs in sorted(by_front.values(), key=len)]  # a whole front

    def describe(self):
        return (f"major findings in at least {self.at_least:g} of: "
                f"{', '.join(d.value for d in self.dimensions)}")


KINDS: list[type[Aggregation]] = [AllOf, Fronts]


def register(kind: type[Aggregation]) -> type[Aggregation]:
    """Add a kind of aggregation (its `keys` must differ from every other kind's)."""
    KINDS.append(kind)
    return kind


def kind_of(raw: Any) -> type[Aggregation] | None:
    """The one kind whose keys an entry gives (with values), or None: of no known kind, or
    giving the keys of more than one."""
    if not isinstance(raw, dict):
        return None
    given = [k for k in KINDS if all(raw.get(key) not in (None, [], {}, "") for key in k.keys)]
    others = {key for k in KINDS for key in k.keys if raw.get(key) not in (None, [], {}, "")}
    if len(given) != 1 or others - set(given[0].keys):
        return None
    return given[0]


def known_kinds() -> str:
    """The kinds in words, for the loader's message."""
    return "; ".join(f"{k.__name__} ({' with '.join(k.keys)})" for k in KINDS)


def read(raw: Any) -> Any:
    """An entry as its kind (pydantic then checks it); left as given when of no kind (the
    loader has reported it)."""
    kind = kind_of(raw)
    return kind.model_validate(raw) if kind else raw


AGGREGATION_READER[:] = [read]


def fronts(majors: Sequence[Rule], causes: dict[str, frozenset[str]]) -> int:
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
