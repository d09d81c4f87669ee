"""Evaluate a proposal: facts -> judgement (the judge) -> explanations -> Evaluation."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from ..explaining.counterfactuals import counterfactuals
from ..explaining.missing import missing_information
from ..explaining.options import assess_options
from ..explaining.summary import why_sentences, write_summary
from ..explaining.why import why
from ..judging.judge import Judge, Judgement, judge_for
from ..judging.policy import (
    alternatives,
    award_conditions,
    enrolment_requirements,
    if_resubmitted,
    recommendation,
    scores,
)
from ..judging.result import (
    Evaluation,
    Finding,
    Limit,
    RulesetRef,
    SearchStatus,
    SourceQuote,
    Undetermined,
    VerdictRange,
    WhyNot,
)
from ..proposal.facts import flatten
from ..proposal.fields import catalogue
from ..proposal.model import Proposal
from ..proposal.reading import parse_proposal
from ..rulebook.conditions import fields_of
from ..rulebook.loader import Rulebook
from ..rulebook.model import Verdict

CUT, COMPLETE = "cut at budget", "complete"


def as_proposal(proposal: Proposal | dict) -> Proposal:
    """A Proposal as is; raw JSON data validated into one (ProposalError if it does not fit)."""
    return proposal if isinstance(proposal, Proposal) else parse_proposal(proposal)


def judge(proposal: Proposal | dict, rulebook: Rulebook) -> Judgement:
    """The verdict and the rules' outcomes alone, engine-checked, without explanations (for
    re-screening many stored proposals)."""
    return judge_for(rulebook).judge(flatten(as_proposal(proposal)))


def evaluate(proposal: Proposal | dict, rulebook: Rulebook,
             why_not: Iterable[str] = ()) -> Evaluation:
    """Screen one proposal (a Proposal or raw JSON data) against a rulebook. `why_not`
    names rules to explain when they do not fire (gate rules always are)."""
    proposal = as_proposal(proposal)
    facts = flatten(proposal)
    judge = judge_for(rulebook)
    judgement = judge.judge(facts)
    outcome, policy, verdict = judgement.outcome, judge.policy, judgement.verdict
    missing = missing_information(judge, facts, judgement)
    questions = {rule_id: m.question for m in reversed(missing) for rule_id in m.rules}
    reasons = why_sentences(policy, judgement)
    changes, nodes, cut = counterfactuals(judge, facts, judgement)
    evaluation = Evaluation(
        id=uuid.uuid4().hex,
        title=proposal.title,
        reference=proposal.reference,
        applicant=proposal.applicant,
        verdict=verdict,
        summary=write_summary(policy, judgement, reasons, [m.question for m in missing]),
        why=reasons,
        findings=[Finding(rule_id=r.id, title=r.title, severity=r.severity,
                          dimension=r.dimension, lessons=list(r.lessons), message=r.message,
                          rationale=r.rationale, recommendation=recommendation(r, facts),
                          citation=r.citation, lines=r.lines,
                          because=why(r.when, facts)[1])
                  for r in outcome.fired],
        undetermined=[Undetermined(rule_id=r.id, title=r.title, severity=r.severity,
                                   dimension=r.dimension, gate=policy.is_gate(r),
                                   unknown_fields=sorted(f for f in fields_of(r.when)
                                                         if facts.get(f) is None))
                      for r in outcome.undetermined],
        scores=scores(policy, judge.rules, outcome),
        conditions=award_conditions(policy, judgement, questions, facts),
        if_resubmitted=if_resubmitted(policy, judgement, facts),
        enrolment_requirements=enrolment_requirements(policy, facts),
        missing=missing,
        completeness=judgement.completeness,
        verdict_range=VerdictRange(best=judgement.best, worst=judgement.worst),
        limits=[Limit(text=x.text, lines=x.lines) for x in policy.limits],
        ignored_fields=list(proposal._ignored),
        alternatives=alternatives(policy, outcome) if verdict == Verdict.not_recommended else [],
        counterfactuals=changes,
        search=SearchStatus(verdict_range=CUT if judgement.cut else COMPLETE,
                            counterfactuals=CUT if cut else COMPLETE,
                            counterfactual_nodes=nodes),
        why_not=_why_not(judge, facts, judgement, why_not),
        options=assess_options(proposal),
        quotations=source_quotes(proposal),
        ruleset=RulesetRef(version=rulebook.version, rules=[r.id for r in rulebook.rules]),
        created_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
    )
    cited = {lesson for f in evaluation.findings for lesson in f.lessons}
    cited |= {lesson for s in evaluation.scores.values() for lesson in s.missed + s.unknown}
    cited |= {lesson for x in evaluation.alternatives for lesson in x.lessons}
    cited |= {lesson for r in evaluation.enrolment_requirements for lesson in r.lessons}
    return evaluation.model_copy(update={"lesson_titles": {
        lesson: rulebook.lesson_title(lesson)
        for lesson in sorted(cited, key=lambda x: int(x[1:])) if rulebook.lesson_title(lesson)}})


def source_quotes(proposal: Proposal) -> list[SourceQuote]:
    """The quotations kept with answers confirmed from an application document (intake)."""
    fields = catalogue()
    out = []
    for q in proposal.quotations or []:
        value: Any = proposal
        for part in q.field.split("."):
            value = getattr(value, part, None)
        if value is None:
            continue  # the answer was cleared after all: its quotation says nothing
        info = fields[q.field]
        out.append(SourceQuote(field=q.field, label=info.label, answer=info.words(value),
                               quote=q.quote, where=q.where, edited=q.edited))
    return out


def _why_not(judge: Judge, facts: dict[str, Any], judgement: Judgement,
             asked: Iterable[str]) -> list[WhyNot]:
    """Gate rules that did not fire, and any rule asked about that did not."""
    fired = {r.id for r in judgement.outcome.fired}
    asked = set(asked)
    out = []
    for rule in judge.rules:
        if rule.id in fired or not (judge.policy.is_gate(rule) or rule.id in asked):
            continue
        result, terms = why(rule.when, facts)
        out.append(WhyNot(rule_id=rule.id, title=rule.title, severity=rule.severity,
                          status="undetermined" if result is None else "not_fired",
                          terms=terms))
    return out
