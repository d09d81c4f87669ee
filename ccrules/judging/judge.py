"""The judge: the one place that turns a proposal's facts into a judgement (which rules fire,
which cannot be decided, the verdict the policy gives), under one rulebook.

It holds each rule's condition compiled twice: for durable_rules, the engine that decides
what fires, and for the three-valued Python evaluator, which also knows what cannot be
decided. `judge(facts)` cross-checks the two and raises EngineError if they ever disagree;
`judge(facts, engine=False)` is the fast Python-only path the searches use (missing
information, counterfactuals, static checks), whose results the engine later confirms.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ..errors import EngineError
from ..proposal.facts import derive
from ..proposal.fields import catalogue
from ..rulebook.conditions import (
    Evaluator,
    compile_python,
    deciding_leaves,
    fields_of,
    negation_normal_form,
    tested_values,
)
from ..rulebook.durable import DurableRuleset
from ..rulebook.loader import Rulebook
from ..rulebook.model import SEVERITY_ORDER, Policy, Rule, Verdict
from .aggregation import aggregations_met
from .completions import Completions, Exhausted

RULE_BUDGET = 1000  # search nodes for one rule's completion (Judge.firing)
MEMO_SIZE = 50_000  # completions kept per judge before the memo starts afresh
_UNSEEN, _EXHAUSTED = object(), object()
SOURCES = frozenset(s for info in catalogue().values() for s in info.sources)


def _remember(memo: dict, key: Any, value: Any) -> None:
    """Keep a value in a bounded memo, which starts afresh when full."""
    if len(memo) >= MEMO_SIZE:
        memo.clear()
    memo[key] = value

# How verdicts rank, worst first (insufficient_information sits outside this order): the
# ranks live on Verdict.
RANK = {v: v.rank for v in Verdict if v.rank is not None}


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
    best and worst verdicts reachable (the worst over the open facts, with open commitments
    taken as secured by their conditions), the findings that add up (aggregation ids), the
    undecided rules that could still fire against the proposal (`could_fire`: each an open
    question the verdict depends on), and those among them that the open facts alone could
    make fire (`by_facts`: no condition of award can secure them)."""

    outcome: Outcome
    completeness: float
    verdict: Verdict
    best: Verdict
    worst: Verdict
    aggregations: tuple[str, ...] = ()
    could_fire: tuple[Rule, ...] = ()
    by_facts: tuple[Rule, ...] = ()
    cut: bool = False  # a range search went past its budget (the verdict was kept open)

    @property
    def commitments(self) -> tuple[Rule, ...]:
        """The undecided rules an open commitment could make fire: each becomes a condition
        of award (the commitment that keeps it quiet)."""
        facts = {r.id for r in self.by_facts}
        return tuple(r for r in self.could_fire if r.id not in facts)


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
           by_facts: Verdict, completeness: float) -> Verdict:
    """The verdict from what fired and what the unknowns could still bring: not_recommended
    when it is so whatever the answers; insufficient_information when the open facts decide
    between not_recommended and better (`by_facts`: the worst they can bring), or too little
    is known; else the worst case, in which an open commitment counts as secured by its
    condition of award (so it lowers the verdict to conditional at most)."""
    if fired == Verdict.not_recommended or best == Verdict.not_recommended:
        return Verdict.not_recommended
    if by_facts == Verdict.not_recommended or completeness < policy.min_completeness:
        return Verdict.insufficient_information
    return worst


def _hashable(value: Any) -> Any:
    """A fact as a memo key: lists (a menu's options) and their dicts become tuples."""
    if isinstance(value, list):
        return tuple(_hashable(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _hashable(v)) for k, v in value.items()))
    return value


def _worse(a: Verdict, b: Verdict) -> Verdict:
    return min(a, b, key=RANK.__getitem__)


@dataclass(frozen=True)
class Range:
    """What the searches over the unknown answers found (Judge._range)."""

    best: Verdict
    worst: Verdict
    by_facts_worst: Verdict  # the worst the open facts alone can bring
    could_fire: tuple[Rule, ...] = ()
    by_facts: tuple[Rule, ...] = ()
    ends: tuple[tuple[tuple[Rule, ...], bool, dict], ...] = ()  # (rules, fire?, completion)
    cut: bool = False  # a search went past its budget


class Judge:
    """Facts in, judgement out, for one rulebook's rules and policy. Get one with
    `judge_for(rulebook)`: it is built once per rulebook."""

    def __init__(self, rules: list[Rule], policy: Policy):
        dims = list(policy.dimensions)
        self.rules = sorted(rules, key=lambda r: (dims.index(r.dimension),
                                                  SEVERITY_ORDER[r.severity], r.id))
        self.policy = policy
        self.evaluators: dict[str, Evaluator] = {r.id: compile_python(r.when) for r in rules}
        self.reads = {r.id: tuple(sorted(fields_of(r.when))) for r in rules}
        self.cuts = tested_values(r.when for r in rules)  # what the rules compare fields with
        self.fact_fields = frozenset(p for p, info in catalogue().items()
                                     if info.unknown == "fact")
        self._firing: dict[tuple, Any] = {}
        self._causes_memo: dict[tuple, frozenset[str]] = {}
        # what a rule's completions depend on: the fields it reads, and the answers any
        # derived field among them is computed from
        self.depends = {r.id: tuple(sorted(set(self.reads[r.id]).union(
            *(catalogue()[f].sources for f in self.reads[r.id])))) for r in rules}
        self.relevant_ids = frozenset(r.id for r in rules if relevant(policy, r))
        self.relevant_total = len(self.relevant_ids)
        # which rules (by position) each answer can change: those reading it, or reading a
        # derived fact computed from it (what an incremental outcome re-evaluates)
        derived_from: dict[str, set[str]] = {}
        for info in catalogue().values():
            for source in info.sources:
                derived_from.setdefault(source, set()).add(info.path)
        readers: dict[str, set[int]] = {}
        for i, rule in enumerate(self.rules):
            for field in self.reads[rule.id]:
                readers.setdefault(field, set()).add(i)
        self.readers = {field: tuple(sorted(set(readers.get(field, ())).union(
            *(readers.get(d, set()) for d in derived_from.get(field, ())))))
            for field in catalogue()}

    def firing(self, rule: Rule, facts: dict[str, Any], facts_only: bool = False
               ) -> dict[str, Any] | None:
        """A completion of the unknown answers (only of the open facts, with `facts_only`)
        under which `rule` fires, or None if there is none. The answer depends only on the
        values of the fields the rule reads (and the answers its derived fields come from),
        so it is kept on the judge (a bounded memo,
        freed with the rulebook) and shared by the range, the verdict-only path and the
        counterfactual search. Each search has its own budget: Exhausted past it."""
        key = (rule.id, facts_only, tuple(_hashable(facts.get(f))
                                          for f in self.depends[rule.id]))
        found = self._firing.get(key, _UNSEEN)
        if found is _UNSEEN:
            search = Completions(self, facts, RULE_BUDGET,
                                 self.fact_fields if facts_only else None)
            try:
                found = search.make([rule], True)
            except Exhausted:
                found = _EXHAUSTED
            _remember(self._firing, key, found)
        if found is _EXHAUSTED:
            raise Exhausted
        return found

    def quiet(self, search: Completions, rules: list[Rule], facts: dict[str, Any]
              ) -> dict[str, Any] | None:
        """A completion under which none of `rules` fires, or None. Rules that share no
        unknown answer (nor a derived fact computed from one) are independent, so each
        group of linked rules is searched on its own and the answers put together: the
        cost is the sum of the groups' searches, not their product. `search` holds the
        budget they share."""
        groups: list[tuple[set[str], list[Rule]]] = []
        for rule in rules:
            open_ = {f for f in self.depends[rule.id] if facts.get(f) is None}
            linked = [g for g in groups if g[0] & open_]
            for g in linked:
                groups.remove(g)
                open_ |= g[0]
            groups.append((open_, [r for g in linked for r in g[1]] + [rule]))
        found: dict[str, Any] = {}
        for _, members in groups:
            assignment = search.make(members, False)
            if assignment is None:
                return None
            found.update(assignment)
        return found

    @cached_property
    def durable(self) -> DurableRuleset:
        """The durable_rules ruleset that decides which rules fire (built on first use)."""
        return DurableRuleset((r.id, r.when) for r in self.rules)

    def results(self, facts: dict[str, Any]) -> list[bool | None]:
        """Each rule's three-valued result, in the rules' order (Python evaluator)."""
        evaluators = self.evaluators
        return [evaluators[rule.id](facts) for rule in self.rules]

    def results_after(self, base: list[bool | None], facts: dict[str, Any],
                      changed: Any) -> list[bool | None]:
        """The results for `facts`, which differ from those `base` was computed on only in
        the answers `changed`: only the rules those answers can change are evaluated."""
        out = list(base)
        evaluators, rules, readers = self.evaluators, self.rules, self.readers
        for i in {i for field in changed for i in readers.get(field, ())}:
            out[i] = evaluators[rules[i].id](facts)
        return out

    def outcome_of(self, results: list[bool | None]) -> Outcome:
        fired: list[Rule] = []
        undetermined: list[Rule] = []
        not_fired: list[Rule] = []
        for rule, result in zip(self.rules, results, strict=True):
            (fired if result else undetermined if result is None else not_fired).append(rule)
        return Outcome(fired, undetermined, not_fired)

    def outcome(self, facts: dict[str, Any], engine: bool = True) -> Outcome:
        """Which rules fire, which cannot be decided, which do not. With `engine`, durable_rules
        decides what fires and the Python evaluator must agree with it on every rule."""
        outcome = self.outcome_of(self.results(facts))
        fired, undetermined, not_fired = outcome.fired, outcome.undetermined, outcome.not_fired
        if engine:
            engine_ids = self.durable.fire(facts)
            python_ids = {r.id for r in fired}
            if python_ids != engine_ids:
                first = sorted(python_ids ^ engine_ids)[0]
                raise EngineError(f"durable_rules and the Python evaluator disagree on {first}")
        return Outcome(fired, undetermined, not_fired)

    def judge(self, facts: dict[str, Any], engine: bool = True) -> Judgement:
        """The outcome, completeness, verdict and verdict range for one proposal's facts.
        With `engine`, each completion the searches found is replayed through durable_rules,
        which must fire (or keep quiet) the rules the search said it would."""
        outcome = self.outcome(facts, engine)
        open_, share = self._open(outcome)
        fired, aggregations = self.fired_verdict(outcome.fired, facts)
        found = self._range(facts, open_, fired)
        if engine:
            for rules, want, assignment in found.ends:
                ids = self.durable.fire(self.with_changes(facts, assignment))
                if any((r.id in ids) != want for r in rules):
                    raise EngineError("a completion of the unknown answers did not fire the "
                                      "rules the search found")
        verdict = decide(self.policy, fired, found.best, found.worst, found.by_facts_worst,
                         share)
        return Judgement(outcome, share, verdict, found.best, found.worst, aggregations,
                         found.could_fire, found.by_facts, found.cut)

    def reaches(self, facts: dict[str, Any], target: Verdict,
                outcome: Outcome | None = None) -> bool:
        """Whether `judge(facts).verdict` is `target` or better, found with only the searches
        that question needs (the verdict-only path of the counterfactual search): for
        recommended, that no open rule able to lower the verdict can fire; for conditional,
        that no open fact can bring a blocker and some completion keeps every open blocker
        quiet. A search past its budget answers no, as judge() stays open then. `outcome`:
        the facts' outcome, when the caller has it."""
        outcome = outcome or self.outcome(facts, engine=False)
        open_, share = self._open(outcome)
        if share < self.policy.min_completeness:
            return False
        verdict_of = self.policy.severity_verdicts
        if any(verdict_of[r.severity] == Verdict.not_recommended for r in outcome.fired):
            return False  # a blocker: no need to count what adds up
        fired, _ = self.fired_verdict(outcome.fired, facts)
        if RANK[fired] < RANK[target]:
            return False
        try:
            if target == Verdict.recommended:
                return all(self.firing(r, facts) is None for r in open_)
            blockers = [r for r in open_ if verdict_of[r.severity] == Verdict.not_recommended]
            if not blockers:
                return True
            if any(self.firing(r, facts, facts_only=True) is not None for r in blockers):
                return False
            return Completions(self, facts).make(blockers, False) is not None
        except Exhausted:
            return False

    def aggregations(self, fired: list[Rule], facts: dict[str, Any]) -> tuple[str, ...]:
        """The ids of the policy's aggregation rules that the fired (stated) findings meet
        (rulebook/aggregations.py), each weakness counted once."""
        return aggregations_met(self.policy, fired, lambda rules: self._causes(rules, facts))

    def _causes(self, rules: list[Rule], facts: dict[str, Any]) -> dict[str, frozenset[str]]:
        """For each fired rule, the stated answers that make it fire (a bounded memo on the
        judge: they depend only on the values of the fields the rule reads)."""
        out = {}
        for r in rules:
            key = (r.id, tuple(_hashable(facts.get(f)) for f in self.reads[r.id]))
            cause = self._causes_memo.get(key)
            if cause is None:
                cause = frozenset(leaf.field for leaf in deciding_leaves(
                    negation_normal_form(r.when), facts, True))
                _remember(self._causes_memo, key, cause)
            out[r.id] = cause
        return out

    def fired_verdict(self, fired: list[Rule], facts: dict[str, Any]
                      ) -> tuple[Verdict, tuple[str, ...]]:
        """The verdict the fired findings alone give, and the aggregations they meet."""
        met = self.aggregations(fired, facts)
        verdicts = {self.policy.severity_verdicts[r.severity] for r in fired}
        if met or Verdict.not_recommended in verdicts:
            return Verdict.not_recommended, met
        if Verdict.conditional in verdicts:
            return Verdict.conditional, met
        return Verdict.recommended, met

    def _open(self, outcome: Outcome) -> tuple[list[Rule], float]:
        """The undecided rules that can lower the verdict, and the completeness they leave
        (the share of such rules the stated facts decide), as `completeness` counts it."""
        open_ = [r for r in outcome.undetermined if r.id in self.relevant_ids]
        total = self.relevant_total
        return open_, round(1 - len(open_) / total, 2) if total else 1.0

    def _range(self, facts: dict[str, Any], open_: list[Rule], fired: Verdict) -> Range:
        """Best and worst verdicts over the completions of the unknown answers (`open_`: the
        undecided rules that can lower the verdict). The worst case is searched over the open
        facts only: an open commitment is taken as secured by its condition of award, so it
        brings the verdict to conditional at most. Every search stays within a budget: past
        it, the open facts are taken to decide between not_recommended and better
        (insufficient_information) and the best case is what fired, so a search cut short
        never decides a verdict."""
        policy = self.policy
        if not open_:
            return Range(fired, fired, fired)
        verdict_of = policy.severity_verdicts
        blocks = {r.id for r in open_ if verdict_of[r.severity] == Verdict.not_recommended}
        ends: list[tuple[tuple[Rule, ...], bool, dict]] = []
        could_fire: list[Rule] = []
        by_facts: list[Rule] = []
        by_facts_worst, cut = fired, False
        # the completions that set the range's worst end, replayed by the engine: the
        # first open fact bringing the worst severity, and one open commitment
        worst_end: tuple[tuple[Rule, ...], bool, dict] | None = None
        commitment_end: tuple[tuple[Rule, ...], bool, dict] | None = None
        try:
            for rule in open_:
                assignment = self.firing(rule, facts)
                if assignment is None:
                    continue
                could_fire.append(rule)
                by_fact = None
                if any(facts.get(f) is None for f in self.reads[rule.id]
                       if f in self.fact_fields):
                    by_fact = self.firing(rule, facts, facts_only=True)
                if by_fact is None:  # only commitments bring it: not a question of fact
                    commitment_end = commitment_end or ((rule,), True, assignment)
                    continue
                by_facts.append(rule)
                level = verdict_of[rule.severity]
                if worst_end is None or RANK[level] < RANK[by_facts_worst]:
                    worst_end = ((rule,), True, by_fact)
                by_facts_worst = _worse(by_facts_worst, level)
        except Exhausted:
            by_facts_worst, cut = Verdict.not_recommended, True
            could_fire, by_facts = list(open_), list(open_)
        ends += [end for end in (worst_end, commitment_end) if end is not None]
        worst = by_facts_worst
        if len(could_fire) > len(by_facts):  # an open commitment, secured by a condition
            worst = _worse(worst, Verdict.conditional)
        best = Verdict.not_recommended
        search = Completions(self, facts)  # a budget of its own
        try:
            targets = [(fired, open_)]
            if fired != Verdict.not_recommended:
                targets.append((_worse(fired, Verdict.conditional),
                                [r for r in open_ if r.id in blocks]))
            for target, quiet in targets:
                assignment = self.quiet(search, quiet, facts)
                if assignment is not None:
                    best = target
                    ends.append((tuple(quiet), False, assignment))
                    break
        except Exhausted:  # unknown: the unknowns keep the verdict open, never decide it
            best, cut = fired, True
        # no completion better than not recommended (a blocker whatever is committed): the
        # worst case is that too
        worst = _worse(worst, best)
        return Range(best, worst, by_facts_worst, tuple(could_fire), tuple(by_facts),
                     tuple(ends), cut)

    def domain(self, field: str, exhaustive: bool = False) -> list[Any]:
        """The values worth trying for a field: each enum member or boolean, numbers on both
        sides of every threshold the rules use, lists with and without each member or count
        the rules test. Values in between cannot change any rule's outcome.

        `exhaustive` adds one value from every region the rules can tell apart (midpoints
        between thresholds, every mix of the tested list members, every count up to one past
        the largest tested): what the static checks need to be exact."""
        info = catalogue()[field]
        cuts = self.cuts.get(field, {"numbers": set(), "members": set(), "counts": set()})
        return info.kind.domain(info, cuts, exhaustive)

    @staticmethod
    def with_changes(facts: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
        """The facts with some answers changed; derived fields follow their inputs unless
        they are themselves changed (they are computed again only when an answer they are
        computed from changed)."""
        new = dict(facts)
        new.update({k: v for k, v in changes.items() if not k.startswith("derived.")})
        if not SOURCES.isdisjoint(changes):
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
