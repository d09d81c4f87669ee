"""Evaluate a proposal: facts -> rules fired (durable_rules) and undetermined (Python, three-
valued) -> verdict policy -> Evaluation."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any, Iterable

from .conditions import compile_python, fields_of
from .counterfactuals import counterfactuals, rank_missing
from .errors import EngineError
from .evaluation import (
    AwardCondition,
    EnrolmentRequirement,
    Evaluation,
    Finding,
    MissingInfo,
    RulesetRef,
    Undetermined,
    WhyNot,
)
from .explain import why
from .facts import flatten
from .fields import catalogue
from .options import assess_options
from .probing import prober_for
from .proposal import Proposal, parse_proposal
from .rule_model import SEVERITY_ORDER, Rule, Verdict
from .rulebook import Rulebook
from .summary import write_summary
from .verdict import Outcome, alternatives, classify, decide, relevant, scores, verdict_for
from .verdict import confidence as verdict_confidence


def outcome_of(rulebook: Rulebook, facts: dict[str, Any]) -> Outcome:
    """Which rules fire (decided by durable_rules), which cannot be decided, which do not.
    The Python evaluator must agree with the engine on every fired rule."""
    fired_ids = rulebook.durable.fire(facts)
    outcome = classify(rulebook.rules, rulebook.evaluators, facts)
    python_ids = {r.id for r in outcome.fired}
    if python_ids != fired_ids:
        first = sorted(python_ids ^ fired_ids)[0]
        raise EngineError(f"durable_rules and the Python evaluator disagree on {first}")
    return outcome


def verdict_of_facts(rulebook: Rulebook, facts: dict[str, Any]) -> tuple[Verdict, Outcome]:
    """The verdict on facts, with durable_rules deciding what fires."""
    outcome = outcome_of(rulebook, facts)
    return verdict_for(rulebook.policy, rulebook.rules, outcome), outcome


def judge(proposal: Proposal | dict, rulebook: Rulebook) -> tuple[Verdict, Outcome]:
    """The verdict and the rules' outcomes alone, without explanations (for re-screening
    many stored proposals)."""
    if not isinstance(proposal, Proposal):
        proposal = parse_proposal(proposal)
    return verdict_of_facts(rulebook, flatten(proposal))


def _missing(rulebook: Rulebook, outcome: Outcome, facts: dict[str, Any]) -> list[MissingInfo]:
    by_field: dict[str, list[Rule]] = {}
    for rule in outcome.undetermined:
        if not relevant(rulebook.policy, rule):
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


def _condition(rule: Rule) -> AwardCondition:
    """A condition of award as a sentence a funder can paste into a letter."""
    action = rule.recommendation.rstrip(".")
    text = (f"Before the award is confirmed, the applicant must {action[0].lower()}"
            f"{action[1:]} (finding {rule.id}, \"{rule.title}\"; lessons "
            f"{', '.join(rule.lessons)}; Aveling et al. 2017, {rule.citation}).")
    return AwardCondition(rule_id=rule.id, lessons=list(rule.lessons), text=text)


def _why_not(rulebook: Rulebook, facts: dict[str, Any], outcome: Outcome,
             asked: Iterable[str]) -> list[WhyNot]:
    """Gate rules that did not fire, and any rule asked about that did not."""
    fired = {r.id for r in outcome.fired}
    wanted = [r for r in rulebook.rules
              if r.id not in fired and (rulebook.policy.is_gate(r) or r.id in set(asked))]
    out = []
    for rule in wanted:
        result, terms = why(rule.when, facts)
        out.append(WhyNot(rule_id=rule.id, title=rule.title, severity=rule.severity,
                          status="undetermined" if result is None else "not_fired",
                          terms=terms))
    return out


def evaluate(proposal: Proposal | dict, rulebook: Rulebook,
             why_not: Iterable[str] = ()) -> Evaluation:
    """Screen one proposal (a Proposal or raw JSON data) against a rulebook. `why_not`
    names rules to explain when they do not fire (gate rules always are)."""
    if not isinstance(proposal, Proposal):
        proposal = parse_proposal(proposal)
    facts = flatten(proposal)
    order = _order(rulebook)
    raw = outcome_of(rulebook, facts)
    outcome = Outcome(*(sorted(group, key=order)
                        for group in (raw.fired, raw.undetermined, raw.held_back)))
    policy = rulebook.policy
    confidence = verdict_confidence(policy, rulebook.rules, outcome)
    verdict = decide(policy, outcome, confidence)
    missing = rank_missing(prober_for(rulebook), facts, verdict,
                           _missing(rulebook, outcome, facts))
    fired = outcome.fired
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
                          citation=r.citation, because=why(r.when, facts)[1]) for r in fired],
        undetermined=[Undetermined(rule_id=r.id, title=r.title, severity=r.severity,
                                   dimension=r.dimension, gate=policy.is_gate(r),
                                   unknown_fields=sorted(f for f in fields_of(r.when)
                                                         if facts.get(f) is None))
                      for r in outcome.undetermined],
        scores=scores(policy, rulebook.rules, outcome),
        conditions=[_condition(r) for r in fired
                    if policy.severity_verdicts[r.severity] == Verdict.conditional],
        enrolment_requirements=_requirements(rulebook, facts),
        missing=missing,
        confidence=confidence,
        alternatives=alternatives(policy, outcome) if verdict == Verdict.not_recommended else [],
        counterfactuals=counterfactuals(rulebook, facts, outcome, verdict,
                                        lambda f: verdict_of_facts(rulebook, f)[0]),
        why_not=_why_not(rulebook, facts, outcome, why_not),
        options=assess_options(proposal),
        ruleset=RulesetRef(version=rulebook.version, rules=[r.id for r in rulebook.rules]),
        created_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )
