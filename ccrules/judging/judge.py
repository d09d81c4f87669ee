"""The judge: the one place that turns a proposal's facts into a judgement (which rules fire,
which cannot be decided, the verdict the policy gives), under one rulebook.

It holds each rule's condition compiled twice: for durable_rules, the engine that decides
what fires, and for the three-valued Python evaluator, which also knows what cannot be
decided. `judge(facts)` cross-checks the two and raises EngineError if they ever disagree;
`judge(facts, engine=False)` is the fast Python-only path the searches use (missing
information, counterfactuals, static checks), whose results the engine later confirms.
"""

from __future__ import annotations

import itertools
import threading
import weakref
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ..errors import EngineError
from ..proposal.facts import derive
from ..proposal.fields import catalogue
from ..rulebook.conditions import Evaluator, compile_python, tested_values
from ..rulebook.durable import DurableRuleset
from ..rulebook.loader import Rulebook
from ..rulebook.model import SEVERITY_ORDER, Policy, Rule, Verdict

# How verdicts rank, worst first (insufficient_information sits outside this order).
RANK = {Verdict.not_recommended: 0, Verdict.conditional: 1, Verdict.recommended: 2}
PLACEHOLDER = "(named)"  # stands for items of a free-text list when only the count matters


@dataclass(frozen=True)
class Outcome:
    """Each rule's three-valued result for one proposal, in report order (dimension, then
    severity, then id)."""

    fired: list[Rule]
    undetermined: list[Rule]
    not_fired: list[Rule]  # known not to fire

    def __post_init__(self) -> None:
        assert not ({r.id for r in self.fired} & {r.id for r in self.undetermined})


@dataclass(frozen=True)
class Judgement:
    """What the rules and the verdict policy make of one proposal's facts."""

    outcome: Outcome
    completeness: float
    verdict: Verdict


def relevant(policy: Policy, rule: Rule) -> bool:
    """Whether a rule can lower the verdict (its severity maps below recommended)."""
    return policy.severity_verdicts[rule.severity] != Verdict.recommended


def completeness(policy: Policy, rules: list[Rule], outcome: Outcome) -> float:
    """Share of the verdict-relevant rules that the stated facts decide either way."""
    total = sum(1 for r in rules if relevant(policy, r))
    if not total:
        return 1.0
    open_ = sum(1 for r in outcome.undetermined if relevant(policy, r))
    return round(1 - open_ / total, 2)


def decide(policy: Policy, outcome: Outcome, completeness: float) -> Verdict:
    """Blocker fired -> its verdict; gate undetermined or too little known ->
    insufficient_information; else the worst verdict among fired rules."""
    fired_verdicts = [policy.severity_verdicts[r.severity] for r in outcome.fired]
    if Verdict.not_recommended in fired_verdicts:
        return Verdict.not_recommended
    if any(policy.is_gate(r) for r in outcome.undetermined) or \
            completeness < policy.min_confidence:
        return Verdict.insufficient_information
    ranked = [v for v in fired_verdicts if v in RANK]
    return min(ranked, key=RANK.__getitem__, default=Verdict.recommended)


class Judge:
    """Facts in, judgement out, for one rulebook's rules and policy. Get one with
    `judge_for(rulebook)`: it is built once per rulebook."""

    def __init__(self, rules: list[Rule], policy: Policy):
        dims = list(policy.dimensions)
        self.rules = sorted(rules, key=lambda r: (dims.index(r.dimension),
                                                  SEVERITY_ORDER[r.severity], r.id))
        self.policy = policy
        self.evaluators: dict[str, Evaluator] = {r.id: compile_python(r.when) for r in rules}
        self.cuts = tested_values(r.when for r in rules)  # what the rules compare fields with

    @cached_property
    def durable(self) -> DurableRuleset:
        """The durable_rules ruleset that decides which rules fire (built on first use)."""
        return DurableRuleset((r.id, r.when) for r in self.rules)

    def outcome(self, facts: dict[str, Any], engine: bool = True) -> Outcome:
        """Which rules fire, which cannot be decided, which do not. With `engine`, durable_rules
        decides what fires and the Python evaluator must agree with it on every rule."""
        fired: list[Rule] = []
        undetermined: list[Rule] = []
        not_fired: list[Rule] = []
        for rule in self.rules:
            result = self.evaluators[rule.id](facts)
            (fired if result else undetermined if result is None else not_fired).append(rule)
        if engine:
            engine_ids = self.durable.fire(facts)
            python_ids = {r.id for r in fired}
            if python_ids != engine_ids:
                first = sorted(python_ids ^ engine_ids)[0]
                raise EngineError(f"durable_rules and the Python evaluator disagree on {first}")
        return Outcome(fired, undetermined, not_fired)

    def judge(self, facts: dict[str, Any], engine: bool = True) -> Judgement:
        """The outcome, the completeness and the verdict for one proposal's facts."""
        outcome = self.outcome(facts, engine)
        share = completeness(self.policy, self.rules, outcome)
        return Judgement(outcome, share, decide(self.policy, outcome, share))

    def domain(self, field: str, exhaustive: bool = False) -> list[Any]:
        """The values worth trying for a field: each enum member or boolean, numbers on both
        sides of every threshold the rules use, lists with and without each member or count
        the rules test. Values in between cannot change any rule's outcome.

        `exhaustive` adds one value from every region the rules can tell apart (midpoints
        between thresholds, every mix of the tested list members, every count up to one past
        the largest tested): what the static checks need to be exact."""
        info = catalogue()[field]
        cuts = self.cuts.get(field, {"numbers": set(), "members": set(), "counts": set()})
        if info.kind == "enum":
            return list(info.values)
        if info.kind == "bool":
            return [True, False]
        if info.kind in ("int", "number"):
            ts = sorted(cuts["numbers"])
            points = {0, *ts, *(t + 1 for t in ts), *(max(0, t - 1) for t in ts)}
            if exhaustive:
                points |= {(a + b) / 2 for a, b in zip(ts, ts[1:], strict=False)}
            return sorted(points)
        if info.kind == "enum_list":
            tested = sorted(cuts["members"])
            if exhaustive:
                others = [v for v in info.values if v not in tested]
                return [tuple(subset) + tuple(others[:k])
                        for n in range(len(tested) + 1)
                        for subset in itertools.combinations(tested, n)
                        for k in range(len(others) + 1)]
            options = [(), tuple(info.values)]
            for m in tested:
                options += [(m,), tuple(v for v in info.values if v != m)]
            return list(dict.fromkeys(options))
        if info.kind == "str_list":
            if exhaustive:
                counts = set(range(max(cuts["counts"], default=0) + 2))
            else:
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


_judges: weakref.WeakKeyDictionary[Rulebook, Judge] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def judge_for(rulebook: Rulebook) -> Judge:
    """The rulebook's judge, built once and kept as long as the rulebook is."""
    with _lock:
        judge = _judges.get(rulebook)
        if judge is None:
            judge = _judges[rulebook] = Judge(rulebook.rules, rulebook.policy)
        return judge
