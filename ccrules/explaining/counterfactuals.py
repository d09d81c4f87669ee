"""What would raise the verdict: the smallest sets of changed answers (at most three fields)
that would, searched with the Python evaluator and confirmed by the durable_rules engine."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..judging.completions import Exhausted
from ..judging.judge import RANK, Judge, Judgement, Outcome, relevant
from ..judging.result import Change, Counterfactual
from ..proposal.fields import catalogue
from ..rulebook.conditions import fields_of
from ..rulebook.model import Rule, Verdict

MAX_FIELDS = 3
MAX_PER_TARGET = 5


def _change_text(field: str, value: Any, before: Any = None) -> str:
    """A change in words: 'Data submission: required, with exit for not submitting (now:
    voluntary)'."""
    info = catalogue()[field]
    now = info.words(before) if before is not None else "not stated"
    return f"{info.label}: {info.words(value)} (now: {now})"


# Nodes (change sets judged) one evaluation's counterfactual search may visit, over every
# target verdict: past it the search stops and the evaluation says it was cut.
BUDGET = 400


def answer_fields(rule: Rule) -> list[str]:
    """The answers that can change a rule: the fields it reads, with each derived field
    replaced by the answers it is computed from (a change is to an answer, never to a
    derived fact)."""
    out: list[str] = []
    for field in sorted(fields_of(rule.when)):
        info = catalogue()[field]
        for f in (info.sources or (field,)):
            if f not in out and catalogue()[f].kind.changeable:
                out.append(f)
    return out


def _fixes(judge: Judge, rule: Rule, facts: dict[str, Any],
           fields: list[str]) -> list[tuple[str, Any]]:
    """Single answers among `fields` (the rule's answer_fields) that switch a rule off
    (known false), given the other facts."""
    test = judge.evaluators[rule.id]
    return [(field, value) for field in fields for value in judge.domain(field)
            if value != facts.get(field)
            and test(judge.with_changes(facts, {field: value})) is False]


@dataclass(frozen=True)
class Obstacle:
    """Something that keeps a verdict below a target; cleared when every rule of any one
    of its options is switched off (a blocker: one option of one rule; findings that add
    up by count: an option per front, each all of that front's majors)."""

    options: tuple[tuple[Rule, ...], ...]

    @property
    def rules(self) -> list[Rule]:
        return [r for option in self.options for r in option]


def obstacles(judge: Judge, facts: dict[str, Any], target: Verdict,
              outcome: Outcome | None = None) -> list[Obstacle]:
    """What keeps the facts' verdict below `target`. Undecided rules that could fire against
    the target count too: their answers must rule them out."""
    policy = judge.policy
    level = RANK[target]
    outcome = outcome or judge.outcome(facts, engine=False)
    fired = outcome.fired
    met = judge.fired_verdict(fired, facts)[1]
    groups = [Obstacle(((r,),)) for r in fired
              if RANK[policy.severity_verdicts[r.severity]] < level]
    if level > RANK[Verdict.not_recommended]:
        groups += [Obstacle(tuple(agg.obstacles(policy, fired)))
                   for agg in policy.aggregation if agg.id in met]
    for r in outcome.undetermined:
        if relevant(policy, r) and RANK[policy.severity_verdicts[r.severity]] < level:
            try:
                if judge.firing(r, facts) is not None:
                    groups.append(Obstacle(((r,),)))
            except Exhausted:
                groups.append(Obstacle(((r,),)))  # cannot tell: take it as able to fire
    return groups


def _apart(sets: Iterable[frozenset[str]]) -> int | None:
    """How many of these answer sets share no answer with another (picked greedily, the
    smallest first): each needs a change of its own. None if one is empty."""
    apart: list[frozenset[str]] = []
    for fields in sorted(sets, key=len):
        if not fields:
            return None
        if all(fields.isdisjoint(other) for other in apart):
            apart.append(fields)
    return len(apart)


def _needs_more(groups: list[Obstacle], changes: dict[str, Any], left: int,
                answers: dict[str, frozenset[str]]) -> bool:
    """Whether clearing these obstacles surely takes more than `left` further changes. A
    change clears a rule only through an answer it reads: obstacles that share no such
    answer each need a change of their own, and an obstacle needs at least as many as its
    cheapest option's rules that share none."""
    def fields(rules: Iterable[Rule]) -> frozenset[str]:
        return frozenset().union(*(answers[r.id] for r in rules)) - changes.keys()

    together = _apart(fields(g.rules) for g in groups)
    if together is None or together > left:
        return True
    for g in groups:
        costs = [_apart(fields((r,)) for r in option) for option in g.options]
        if all(c is None or c > left for c in costs):
            return True
    return False


class _Search:
    """Depth-first over change sets (at most MAX_FIELDS answers) that clear every obstacle
    to a target, each set judged once (by the verdict-only path), within BUDGET nodes."""

    def __init__(self, judge: Judge, facts: dict[str, Any]):
        self.judge, self.facts, self.left, self.cut = judge, facts, BUDGET, False
        self.base = judge.results(facts)
        self.fields = {r.id: answer_fields(r) for r in judge.rules}
        self.answers = {rid: frozenset(fields) for rid, fields in self.fields.items()}

    def run(self, target: Verdict) -> Iterator[dict[str, Any]]:
        seen: set[frozenset] = set()
        yield from self._walk(target, {}, seen)

    def _walk(self, target: Verdict, changes: dict[str, Any],
              seen: set[frozenset]) -> Iterator[dict[str, Any]]:
        key = frozenset(changes.items())
        if key in seen or self.cut:
            return
        seen.add(key)
        if self.left <= 0:
            self.cut = True
            return
        self.left -= 1
        judge = self.judge
        changed = judge.with_changes(self.facts, changes)
        outcome = judge.outcome_of(judge.results_after(self.base, changed, changes))
        if judge.reaches(changed, target, outcome):
            yield dict(changes)
            return
        if len(changes) == MAX_FIELDS:
            return
        groups = obstacles(judge, changed, target, outcome)
        if not groups or _needs_more(groups, changes, MAX_FIELDS - len(changes),
                                     self.answers):
            return
        tried = set()
        for option in groups[0].options:  # one rule of each option (all must go)
            for field, value in _fixes(judge, option[0], changed, self.fields[option[0].id]):
                if field not in changes and (field, value) not in tried:
                    tried.add((field, value))
                    yield from self._walk(target, {**changes, field: value}, seen)


def counterfactuals(judge: Judge, facts: dict[str, Any],
                    judgement: Judgement) -> tuple[list[Counterfactual], int, bool]:
    """Minimal change sets that raise the verdict by one level or more; each is confirmed by
    the rule engine before it is offered. Changes to the problem itself are kept, marked as
    not design choices: they describe a different programme. Also the nodes the search
    judged, and whether it was cut at its budget (then fewer, or less minimal, sets may be
    offered)."""
    current, outcome, policy = judgement.verdict, judgement.outcome, judge.policy
    if current not in RANK or current == Verdict.recommended:
        return [], 0, False
    search = _Search(judge, facts)
    found: list[Counterfactual] = []
    fields = catalogue()

    def rank(changes: dict) -> tuple:
        """Design changes first, then fewer changes, then fewer findings left against."""
        left = judge.outcome(judge.with_changes(facts, changes), engine=False).fired
        return (not all(fields[f].design_choice for f in changes), len(changes),
                sum(relevant(policy, r) for r in left))

    for target in (v for v in RANK if RANK[v] > RANK[current]):
        seen: list[dict] = []
        for changes in search.run(target):
            if not changes or any(c.items() <= changes.items() for c in seen):
                continue  # a smaller set already does it
            seen = [c for c in seen if not changes.items() <= c.items()] + [changes]
        offered = [c.changes for c in found]
        for changes in sorted(seen, key=rank)[:MAX_PER_TARGET]:
            if any(all(x.field in changes and changes[x.field] == (
                    tuple(x.after) if isinstance(x.after, list) else x.after) for x in c)
                   and len(c) == len(changes) for c in offered):
                continue  # already offered for a lower target: it reaches this one too
            changed = judge.with_changes(facts, changes)
            confirmed = judge.outcome(changed)  # the engine decides what fires, not the search
            if not judge.reaches(changed, target, confirmed):
                continue
            verdict = Verdict.recommended if target == Verdict.recommended or judge.reaches(
                changed, Verdict.recommended, confirmed) else target
            after = {r.id for r in confirmed.fired}
            resolved = [r for r in outcome.fired if relevant(policy, r) and r.id not in after]
            found.append(Counterfactual(
                changes=[Change(field=f, before=_shown(facts.get(f)), after=_shown(v),
                                text=_change_text(f, v, facts.get(f)),
                                design_choice=fields[f].design_choice)
                         for f, v in sorted(changes.items())],
                verdict=verdict, resolves=[r.id for r in resolved],
                lessons=sorted({lesson for r in resolved for lesson in r.lessons},
                               key=lambda x: int(x[1:])),
                by_design=all(fields[f].design_choice for f in changes)))
    return found, BUDGET - search.left, search.cut


def _shown(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value
