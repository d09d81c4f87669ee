"""Missing information: the unknown answers verdict-relevant rules depend on, each with the
question to put to the applicant, ranked by how far its answer alone could move the verdict
(then gate questions first, then the number of rules it affects)."""

from __future__ import annotations

from typing import Any

from ..judging.judge import RANK, Judge, Judgement, relevant
from ..judging.result import MissingInfo
from ..proposal.fields import catalogue
from ..rulebook.conditions import fields_of
from ..rulebook.model import Rule, Verdict

# Where a verdict sits for "how far could an answer move it": no verdict sits in the middle.
LEVEL = {**RANK, Verdict.insufficient_information: 1}


def missing_information(judge: Judge, facts: dict[str, Any],
                        judgement: Judgement) -> list[MissingInfo]:
    """Every unknown fact an undetermined verdict-relevant rule reads, ranked."""
    by_field: dict[str, list[Rule]] = {}
    for rule in judgement.outcome.undetermined:
        if not relevant(judge.policy, rule):
            continue
        for f in sorted(fields_of(rule.when)):
            if facts.get(f) is None:
                by_field.setdefault(f, []).append(rule)
    fields = catalogue()
    current = judgement.verdict
    items = []
    for field, rules in by_field.items():
        reachable = {judge.judge(judge.with_changes(facts, {field: value}), engine=False).verdict
                     for value in judge.domain(field)} - {current}
        # any other verdict counts as a move of at least one level
        impact = max((max(1, abs(LEVEL[v] - LEVEL[current])) for v in reachable), default=0)
        items.append(MissingInfo(
            field=field, question=fields[field].question or fields[field].description,
            rules=[r.id for r in rules], gate=any(judge.policy.is_gate(r) for r in rules),
            could_move_to=sorted(reachable, key=lambda v: LEVEL[v]), impact=impact))
    return sorted(items, key=lambda m: (-m.impact, not m.gate, -len(m.rules), m.field))
