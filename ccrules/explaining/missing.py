"""Missing information: the unknown answers that rules able to lower the verdict depend on,
each with the question to put to the applicant, most decisive first: questions that decide
problem fit (the gate), then those behind blocker-level rules, then by the number of open
rules each answer bears on.

Guided mode (`interview`) ranks the same questions by what each answer would do to the
verdict range."""

from __future__ import annotations

from typing import Any

from ..judging.judge import Judge, Judgement, relevant
from ..judging.result import MissingInfo
from ..proposal.fields import catalogue
from ..rulebook.conditions import deciding_leaves, negation_normal_form
from ..rulebook.model import Rule, Verdict


def open_answers(rule: Rule, facts: dict[str, Any]) -> list[str]:
    """The unknown answers that keep an undecided rule open: those under a part of its
    condition that is itself undecided (a menu's options are not asked about when a term
    already known false, such as a standardised core, settles that part)."""
    leaves = deciding_leaves(negation_normal_form(rule.when), facts, None)
    return sorted({leaf.field for leaf in leaves})


def missing_information(judge: Judge, facts: dict[str, Any],
                        judgement: Judgement) -> list[MissingInfo]:
    """Every unknown fact an undetermined verdict-relevant rule reads, most decisive first."""
    policy = judge.policy
    by_field: dict[str, list[Rule]] = {}
    for rule in judgement.outcome.undetermined:
        if not relevant(policy, rule):
            continue
        for f in open_answers(rule, facts):
            by_field.setdefault(f, []).append(rule)
    fields = catalogue()
    items = []
    for field, rules in by_field.items():
        gate = any(policy.is_gate(r) for r in rules)
        blocking = any(policy.severity_verdicts[r.severity] == Verdict.not_recommended
                       for r in rules)
        items.append((not gate, not blocking, -len(rules), field, MissingInfo(
            field=field, question=fields[field].question or fields[field].description,
            rules=[r.id for r in rules], gate=gate, kind=fields[field].unknown)))
    return [item for *_, item in sorted(items, key=lambda t: t[:4])]
