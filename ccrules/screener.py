"""Evaluate a proposal: facts -> rules fired (durable_rules) and undetermined (Python, three-
valued) -> verdict policy -> Evaluation."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any

from .conditions import compile_python, fields_of
from .errors import EngineError
from .evaluation import (AwardCondition, EnrolmentRequirement, Evaluation, Finding,
                         MissingInfo, RulesetRef, Undetermined)
from .facts import flatten
from .fields import catalogue
from .proposal import Proposal, parse_proposal
from .rule_model import SEVERITY_ORDER, Rule, Verdict
from .rulebook import Rulebook
from .summary import write_summary
from .verdict import Outcome, alternatives, decide, scores


def outcome_of(rulebook: Rulebook, facts: dict[str, Any]) -> Outcome:
    """Which rules fire (decided by durable_rules), which cannot be decided, which do not.
    The Python evaluator must agree with the engine on every fired rule."""
    fired_ids = rulebook.durable.fire(facts)
    fired, undetermined, held = [], [], []
    for rule in rulebook.rules:
        result = rulebook.evaluators[rule.id](facts)
        if (result is True) != (rule.id in fired_ids):
            raise EngineError(f"durable_rules and the Python evaluator disagree on {rule.id}")
        (fired if result else undetermined if result is None else held).append(rule)
    return Outcome(fired, undetermined, held)


def _verdict_relevant(rulebook: Rulebook, rule: Rule) -> bool:
    return rulebook.policy.severity_verdicts[rule.severity] != Verdict.recommended


def _confidence(rulebook: Rulebook, outcome: Outcome) -> float:
    """Share of the verdict-relevant rules (those that can lower the verdict) that the stated
    facts decide, one way or the other."""
    relevant = [r for r in rulebook.rules if _verdict_relevant(rulebook, r)]
    if not relevant:
        return 1.0
    open_ = sum(1 for r in outcome.undetermined if _verdict_relevant(rulebook, r))
    return round(1 - open_ / len(relevant), 2)


def _missing(rulebook: Rulebook, outcome: Outcome, facts: dict[str, Any]) -> list[MissingInfo]:
    by_field: dict[str, list[Rule]] = {}
    for rule in outcome.undetermined:
        if not _verdict_relevant(rulebook, rule):
            continue
        for f in sorted(fields_of(rule.when)):
            if facts.get(f) is None:
                by_field.setdefault(f, []).append(rule)
    fields = catalogue()
    items = [MissingInfo(field=f, question=fields[f].question or fields[f].description,
                         rules=[r.id for r in rules],
                         gate=any(rulebook.policy.is_gate(r) for r in rules))
             for f, rules in by_field.items()]
    return sorted(items, key=lambda m: (not m.gate, -len(m.rules), m.field))


def _requirements(rulebook: Rulebook, facts: dict[str, Any]) -> list[EnrolmentRequirement]:
    out = []
    for req in rulebook.policy.enrolment_requirements:
        met = compile_python(req.met_when)(facts)
        status = "unknown" if met is None else "in_design" if met else "missing"
        out.append(EnrolmentRequirement(id=req.id, requirement=req.requirement,
                                        lessons=list(req.lessons), status=status, ask=req.ask))
    return out


def _order(rulebook: Rulebook):
    dims = list(rulebook.policy.dimensions)
    return lambda r: (dims.index(r.dimension), SEVERITY_ORDER[r.severity], r.id)


def evaluate(proposal: Proposal | dict, rulebook: Rulebook) -> Evaluation:
    """Screen one proposal (a Proposal or raw JSON data) against a rulebook."""
    if not isinstance(proposal, Proposal):
        proposal = parse_proposal(proposal)
    facts = flatten(proposal)
    order = _order(rulebook)
    raw = outcome_of(rulebook, facts)
    outcome = Outcome(*(sorted(group, key=order)
                        for group in (raw.fired, raw.undetermined, raw.held_back)))
    policy = rulebook.policy
    confidence = _confidence(rulebook, outcome)
    verdict = decide(policy, outcome, confidence)
    missing = _missing(rulebook, outcome, facts)
    fired = outcome.fired
    conditions = [AwardCondition(rule_id=r.id, lessons=list(r.lessons), text=r.recommendation)
                  for r in fired if policy.severity_verdicts[r.severity] == Verdict.conditional]
    return Evaluation(
        id=uuid.uuid4().hex,
        title=proposal.title,
        reference=proposal.reference,
        verdict=verdict,
        summary=write_summary(policy, verdict, outcome, confidence,
                              [m.question for m in missing]),
        findings=[Finding(rule_id=r.id, title=r.title, severity=r.severity,
                          dimension=r.dimension, lessons=list(r.lessons), message=r.message,
                          rationale=r.rationale, recommendation=r.recommendation,
                          citation=r.citation) for r in fired],
        undetermined=[Undetermined(rule_id=r.id, title=r.title, severity=r.severity,
                                   dimension=r.dimension, gate=policy.is_gate(r),
                                   unknown_fields=sorted(f for f in fields_of(r.when)
                                                         if facts.get(f) is None))
                      for r in outcome.undetermined],
        scores=scores(policy, rulebook.rules, outcome),
        conditions=conditions,
        enrolment_requirements=_requirements(rulebook, facts),
        missing=missing,
        confidence=confidence,
        alternatives=alternatives(policy, outcome) if verdict == Verdict.not_recommended else [],
        counterfactuals=[],
        ruleset=RulesetRef(version=rulebook.version, rules=[r.id for r in rulebook.rules]),
        created_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )



