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
from .completions import Completions, Exhausted, Goal

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
    """What the rules and the verdict policy make of one proposal's facts: the verdict, the
    best and worst verdicts reachable over the completions of the unknown answers, the
    findings that add up (aggregation ids), and the undecided rules that could still fire
    against the proposal (each an open question the verdict depends on)."""

    outcome: Outcome
    completeness: float
    verdict: Verdict
    best: Verdict
    worst: Verdict
    aggregations: tuple[str, ...] = ()
    could_fire: tuple[Rule, ...] = ()


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


def decide(policy: Policy, fired: Verdict, best: Verdict, worst: Verdict,
           completeness: float) -> Verdict:
    """The verdict from what fired and what the unknowns could still bring: not_recommended
    when it is so whatever the answers; insufficient_information when the answers decide
    between not_recommended and better, or too little is known; else the worst case."""
    if fired == Verdict.not_recommended or best == Verdict.not_recommended:
        return Verdict.not_recommended
    if worst == Verdict.not_recommended or completeness < policy.min_completeness:
        return Verdict.insufficient_information
    return worst


def _worse(a: Verdict, b: Verdict) -> Verdict:
    return min(a, b, key=RANK.__getitem__)


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
        """The outcome, completeness, verdict and verdict range for one proposal's facts.
        With `engine`, the ends of the range are confirmed by durable_rules too."""
        outcome = self.outcome(facts, engine)
        share = completeness(self.policy, self.rules, outcome)
        fired, aggregations = self.fired_verdict(outcome.fired)
        best, worst, could_fire, ends = self._range(facts, outcome, fired)
        if engine:
            for want, assignment in ends:
                confirmed = self.outcome(self.with_changes(facts, assignment), engine=True)
                if self.fired_verdict(confirmed.fired)[0] != want:
                    raise EngineError("a completion of the unknown answers did not give the "
                                      "verdict the search found")
        return Judgement(outcome, share, decide(self.policy, fired, best, worst, share), best,
                         worst, aggregations, could_fire)

    def aggregations(self, fired: list[Rule]) -> tuple[str, ...]:
        """The ids of the policy's aggregation rules that the fired findings meet."""
        ids = {r.id for r in fired}
        met = []
        for agg in self.policy.aggregation:
            if agg.all_of and set(agg.all_of) <= ids:
                met.append(agg.id)
            elif agg.dimensions and agg.at_least is not None:
                dims = {r.dimension for r in fired if r.dimension in agg.dimensions
                        and self.policy.severity_verdicts[r.severity] == Verdict.conditional}
                if len(dims) >= agg.at_least:
                    met.append(agg.id)
        return tuple(met)

    def fired_verdict(self, fired: list[Rule]) -> tuple[Verdict, tuple[str, ...]]:
        """The verdict the fired findings alone give, and the aggregations they meet."""
        met = self.aggregations(fired)
        verdicts = {self.policy.severity_verdicts[r.severity] for r in fired}
        if met or Verdict.not_recommended in verdicts:
            return Verdict.not_recommended, met
        if Verdict.conditional in verdicts:
            return Verdict.conditional, met
        return Verdict.recommended, met

    def _range(self, facts: dict[str, Any], outcome: Outcome, fired: Verdict
               ) -> tuple[Verdict, Verdict, tuple[Rule, ...], list[tuple[Verdict, dict]]]:
        """Best and worst verdicts over the completions of the unknown answers, the
        undecided rules that could fire, and the completions found for each end (to be
        confirmed). Searches stay within a budget: past it, the worst case is taken as
        not_recommended and the best as what fired, so the verdict stays open
        (insufficient_information) rather than decided by a search cut short."""
        policy = self.policy
        open_ = [r for r in outcome.undetermined if relevant(policy, r)]
        if not open_:
            return fired, fired, (), []
        search = Completions(self, facts)
        ends: list[tuple[Verdict, dict]] = []
        could_fire: list[Rule] = []
        worst, end = fired, None
        verdict_of = policy.severity_verdicts
        blockers = [r for r in open_ if verdict_of[r.severity] == Verdict.not_recommended]
        try:
            for rule in blockers:  # one blocker that can fire settles the worst case
                end = search.make([rule], True)
                if end is not None:
                    worst = Verdict.not_recommended
                    could_fire.append(rule)
                    break
            if worst != Verdict.not_recommended:
                for rule in open_:
                    if rule in blockers:
                        continue
                    assignment = search.make([rule], True)
                    if assignment is not None:
                        could_fire.append(rule)
                        if worst == Verdict.recommended:
                            worst, end = Verdict.conditional, assignment
                for goals in self._aggregation_goals(outcome, could_fire):
                    assignment = search.find(goals)
                    if assignment is not None:
                        worst, end = Verdict.not_recommended, assignment
                        break
            if worst != fired and end is not None:
                ends.append((worst, end))
        except Exhausted:
            worst = Verdict.not_recommended
        best = Verdict.not_recommended
        search = Completions(self, facts)  # a budget of its own
        try:
            for target, suppress in self._best_targets(outcome, open_, fired):
                assignment = search.make(suppress, False)
                if assignment is not None:
                    best = target
                    ends.append((target, assignment))
                    break
        except Exhausted:  # unknown: the unknowns keep the verdict open, never decide it
            best = fired
        return best, worst, tuple(could_fire), ends

    def _aggregation_goals(self, outcome: Outcome, could_fire: list[Rule]) -> list[list[Goal]]:
        """For each aggregation the unknowns could complete, the goals that complete it."""
        fired = {r.id for r in outcome.fired}
        possible = {r.id: r for r in could_fire}
        out = []
        for agg in self.policy.aggregation:
            if agg.all_of:
                if all(rid in fired or rid in possible for rid in agg.all_of):
                    out.append([Goal((possible[rid],), True) for rid in agg.all_of
                                if rid not in fired])
            elif agg.dimensions and agg.at_least is not None:
                majors = [r for r in outcome.fired if r.dimension in agg.dimensions
                          and self.policy.severity_verdicts[r.severity] == Verdict.conditional]
                have = {r.dimension for r in majors}
                more: dict[Any, list[Rule]] = {}
                for r in could_fire:
                    if r.dimension in agg.dimensions and r.dimension not in have and \
                            self.policy.severity_verdicts[r.severity] == Verdict.conditional:
                        more.setdefault(r.dimension, []).append(r)
                need = int(agg.at_least) - len(have)
                if 0 < need <= len(more):
                    for dims in itertools.combinations(sorted(more), need):
                        out.append([Goal(tuple(more[d]), True) for d in dims])
        return out

    def _best_targets(self, outcome: Outcome, open_: list[Rule], fired: Verdict
                      ) -> list[tuple[Verdict, list[Rule]]]:
        """The verdicts to try for the best case, best first, with the undecided rules that
        must stay silent for each."""
        verdict_of = self.policy.severity_verdicts
        blockers = [r for r in open_ if verdict_of[r.severity] == Verdict.not_recommended]
        targets = [(fired, open_)]
        if fired != Verdict.not_recommended:
            aggregated = {rid for agg in self.policy.aggregation for rid in agg.all_of}
            dims = {d for agg in self.policy.aggregation for d in agg.dimensions}
            keep_quiet = blockers + [r for r in open_ if r not in blockers and (
                r.id in aggregated or r.dimension in dims)]
            targets.append((_worse(fired, Verdict.conditional), keep_quiet))
        return targets

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
