"""Missing information: the unknown answers that rules able to lower the verdict depend on,
each with the question to put to the applicant, most decisive first: questions that decide
problem fit (the gate), then those behind blocker-level rules, then by the number of open
rules each answer bears on.

What each possible answer would do to the verdict is worked out on demand
(`answer_effects`), for guided mode: it judges the proposal once per answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..judging.judge import Judge, Judgement, relevant
from ..judging.result import MissingInfo
from ..proposal.fields import catalogue
from ..rulebook.conditions import fields_of
from ..rulebook.model import Rule, Verdict


def missing_information(judge: Judge, facts: dict[str, Any],
                        judgement: Judgement) -> list[MissingInfo]:
    """Every unknown fact an undetermined verdict-relevant rule reads, most decisive first."""
    policy = judge.policy
    by_field: dict[str, list[Rule]] = {}
    for rule in judgement.outcome.undetermined:
        if not relevant(policy, rule):
            continue
        for f in sorted(fields_of(rule.when)):
            if facts.get(f) is None:
                by_field.setdefault(f, []).append(rule)
    fields = catalogue()
    items = []
    for field, rules in by_field.items():
        gate = any(policy.is_gate(r) for r in rules)
        blocking = any(policy.severity_verdicts[r.severity] == Verdict.not_recommended
                       for r in rules)
        items.append((not gate, not blocking, -len(rules), field, MissingInfo(
            field=field, question=fields[field].question or fields[field].description,
            rules=[r.id for r in rules], gate=gate)))
    return [item for *_, item in sorted(items, key=lambda t: t[:4])]


@dataclass(frozen=True)
class Effect:
    """What one answer to an open question would make of the proposal."""

    value: Any
    judgement: Judgement


def answer_effects(judge: Judge, facts: dict[str, Any], field: str) -> list[Effect]:
    """The judgement the proposal would get for each answer worth telling apart (the
    Python evaluator only: a preview, not a verdict)."""
    return [Effect(value, judge.judge(judge.with_changes(facts, {field: value}), engine=False))
            for value in judge.domain(field)]
