"""What would raise the verdict: the smallest sets of changed answers (at most three fields)
that would, searched with the Python evaluator and confirmed by the durable_rules engine."""

from __future__ import annotations

from typing import Any, Iterator

from ..judging.judge import PLACEHOLDER, RANK, Judge, Judgement, relevant
from ..judging.result import Change, Counterfactual
from ..proposal.fields import catalogue
from ..rulebook.conditions import fields_of
from ..rulebook.model import Rule, Verdict
from .why import value_text

MAX_FIELDS = 3
MAX_PER_TARGET = 5


def _change_text(field: str, value: Any) -> str:
    if isinstance(value, tuple) and all(str(v).startswith(PLACEHOLDER) for v in value):
        return f"{field}: {len(value)} named item(s)" if value else f"{field}: none"
    return f"{field} = {value_text(value)}"


def _fixes(judge: Judge, rule: Rule, facts: dict[str, Any]) -> list[tuple[str, Any]]:
    """Single answers that switch a rule off (known false), given the other facts."""
    fixes = []
    for field in sorted(fields_of(rule.when)):
        for value in judge.domain(field):
            if value != facts.get(field) and judge.evaluators[rule.id](
                    judge.with_changes(facts, {field: value})) is False:
                fixes.append((field, value))
    return fixes


def _search(judge: Judge, facts: dict, offending: list[Rule],
            changes: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Depth-first over change sets that switch off every offending rule."""
    changed = judge.with_changes(facts, changes)
    open_rule = next((r for r in offending
                      if judge.evaluators[r.id](changed) is not False), None)
    if open_rule is None:
        yield dict(changes)
        return
    if len(changes) == MAX_FIELDS:
        return
    for field, value in _fixes(judge, open_rule, changed):
        if field not in changes:
            yield from _search(judge, facts, offending, {**changes, field: value})


def counterfactuals(judge: Judge, facts: dict[str, Any],
                    judgement: Judgement) -> list[Counterfactual]:
    """Minimal change sets that raise the verdict by one level or more; each is confirmed by
    the rule engine before it is offered."""
    current, outcome, policy = judgement.verdict, judgement.outcome, judge.policy
    if current not in RANK or current == Verdict.recommended:
        return []
    found = []
    fields = catalogue()

    def python_verdict(changes: dict) -> Verdict:
        return judge.judge(judge.with_changes(facts, changes), engine=False).verdict

    def rank(changes: dict) -> tuple:
        """Design changes first, then fewer changes, then fewer findings left against."""
        left = judge.outcome(judge.with_changes(facts, changes), engine=False).fired
        return (not all(fields[f].design_choice for f in changes), len(changes),
                sum(relevant(policy, r) for r in left))

    for target in (v for v in RANK if RANK[v] > RANK[current]):
        offending = [r for r in outcome.fired if RANK.get(policy.severity_verdicts[
            r.severity], 2) < RANK[target]]
        offending += [r for r in outcome.undetermined if policy.is_gate(r)]
        seen: list[dict] = []
        for changes in _search(judge, facts, offending, {}):
            if any(c.items() <= changes.items() for c in seen):
                continue  # a smaller set already does it
            if RANK.get(python_verdict(changes), -1) < RANK[target]:
                continue
            seen = [c for c in seen if not changes.items() <= c.items()] + [changes]
        for changes in sorted(seen, key=rank)[:MAX_PER_TARGET]:
            changed = judge.with_changes(facts, changes)
            confirmed = judge.judge(changed)  # the engine decides, not the search
            if RANK.get(confirmed.verdict, -1) < RANK[target]:
                continue
            after = {r.id for r in confirmed.outcome.fired}
            resolved = [r for r in outcome.fired if relevant(policy, r) and r.id not in after]
            found.append(Counterfactual(
                changes=[Change(field=f, before=_shown(facts.get(f)), after=_shown(v),
                                text=_change_text(f, v), design_choice=fields[f].design_choice)
                         for f, v in sorted(changes.items())],
                verdict=confirmed.verdict, resolves=[r.id for r in resolved],
                lessons=sorted({lesson for r in resolved for lesson in r.lessons},
                               key=lambda x: int(x[1:])),
                by_design=all(fields[f].design_choice for f in changes)))
    return found


def _shown(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value

