"""What would raise the verdict: the smallest sets of changed answers (at most three fields)
that would, searched with the Python evaluator and confirmed by the durable_rules engine."""

from __future__ import annotations

from typing import Any, Iterator

from ..judging.judge import PLACEHOLDER, RANK, Judge, Judgement, relevant
from ..judging.result import Change, Counterfactual
from ..proposal import words
from ..proposal.fields import catalogue
from ..rulebook.conditions import fields_of
from ..rulebook.model import Rule, Verdict

MAX_FIELDS = 3
MAX_PER_TARGET = 5


def _change_text(field: str, value: Any, before: Any = None) -> str:
    """A change in words: 'Data submission: required, with exit for not submitting (now:
    voluntary)'."""
    info = catalogue().get(field)
    kind = info.kind if info else ""
    if isinstance(value, tuple) and all(str(v).startswith(PLACEHOLDER) for v in value):
        after = words.count(len(value), "named item") if value else "none"
    else:
        after = words.value_words(field, value, kind)
    now = words.value_words(field, before, kind) if before is not None else "not stated"
    return f"{words.label(field)}: {after} (now: {now})"


def _fixes(judge: Judge, rule: Rule, facts: dict[str, Any]) -> list[tuple[str, Any]]:
    """Single answers that switch a rule off (known false), given the other facts."""
    fixes = []
    for field in sorted(fields_of(rule.when)):
        for value in judge.domain(field):
            if value != facts.get(field) and judge.evaluators[rule.id](
                    judge.with_changes(facts, {field: value})) is False:
                fixes.append((field, value))
    return fixes


def obstacles(judge: Judge, judgement: Judgement, target: Verdict) -> list[list[Rule]]:
    """What keeps a judgement below `target`, as groups of rules: switching off any one rule
    of a group clears that group (a blocker is a group of one; findings that add up are a
    group of their members). Undecided rules that could fire against the target count too:
    their answers must rule them out."""
    policy = judge.policy
    level = RANK[target]
    fired = judgement.outcome.fired
    groups: list[list[Rule]] = [[r] for r in fired
                                if RANK[policy.severity_verdicts[r.severity]] < level]
    if level > RANK[Verdict.not_recommended]:
        by_id = {r.id: r for r in fired}
        for agg in policy.aggregation:
            if agg.id not in judgement.aggregations:
                continue
            if agg.all_of:
                groups.append([by_id[rid] for rid in agg.all_of if rid in by_id])
            else:
                groups.append([r for r in fired if r.dimension in agg.dimensions and
                               policy.severity_verdicts[r.severity] == Verdict.conditional])
    groups += [[r] for r in judgement.could_fire
               if RANK[policy.severity_verdicts[r.severity]] < level]
    return groups


def _search(judge: Judge, facts: dict, target: Verdict,
            changes: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Depth-first over change sets (at most MAX_FIELDS answers) that clear every obstacle
    to `target`, judging each step with the Python evaluator."""
    changed = judge.with_changes(facts, changes)
    judgement = judge.judge(changed, engine=False)
    if RANK.get(judgement.verdict, -1) >= RANK[target]:
        yield dict(changes)
        return
    if len(changes) == MAX_FIELDS:
        return
    groups = obstacles(judge, judgement, target)
    if not groups:
        return
    tried = set()
    for rule in groups[0]:
        for field, value in _fixes(judge, rule, changed):
            if field not in changes and (field, value) not in tried:
                tried.add((field, value))
                yield from _search(judge, facts, target, {**changes, field: value})


def counterfactuals(judge: Judge, facts: dict[str, Any],
                    judgement: Judgement) -> list[Counterfactual]:
    """Minimal change sets that raise the verdict by one level or more; each is confirmed by
    the rule engine before it is offered. Changes to the problem itself are kept, marked as
    not design choices: they describe a different programme."""
    current, outcome, policy = judgement.verdict, judgement.outcome, judge.policy
    if current not in RANK or current == Verdict.recommended:
        return []
    found: list[Counterfactual] = []
    fields = catalogue()

    def rank(changes: dict) -> tuple:
        """Design changes first, then fewer changes, then fewer findings left against."""
        left = judge.outcome(judge.with_changes(facts, changes), engine=False).fired
        return (not all(fields[f].design_choice for f in changes), len(changes),
                sum(relevant(policy, r) for r in left))

    for target in (v for v in RANK if RANK[v] > RANK[current]):
        seen: list[dict] = []
        for changes in _search(judge, facts, target, {}):
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
            confirmed = judge.judge(changed)  # the engine decides, not the search
            if RANK.get(confirmed.verdict, -1) < RANK[target]:
                continue
            after = {r.id for r in confirmed.outcome.fired}
            resolved = [r for r in outcome.fired if relevant(policy, r) and r.id not in after]
            found.append(Counterfactual(
                changes=[Change(field=f, before=_shown(facts.get(f)), after=_shown(v),
                                text=_change_text(f, v, facts.get(f)),
                                design_choice=fields[f].design_choice)
                         for f, v in sorted(changes.items())],
                verdict=confirmed.verdict, resolves=[r.id for r in resolved],
                lessons=sorted({lesson for r in resolved for lesson in r.lessons},
                               key=lambda x: int(x[1:])),
                by_design=all(fields[f].design_choice for f in changes)))
    return found


def _shown(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value
