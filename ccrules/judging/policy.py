"""What the verdict policy makes of a judgement beyond the verdict: dimension scores, the
paper's alternatives when the problem does not fit, conditions of award and the minimum
enrolment requirements."""

from __future__ import annotations

from typing import Any

from ..proposal import words
from ..rulebook.conditions import (
    compile_python,
    deciding_leaves,
    fields_of,
    leaves,
    negation_normal_form,
)
from ..rulebook.model import Dimension, Policy, Rule, Severity, Verdict
from .judge import Judgement, Outcome
from .result import (
    AlternativeOut,
    AwardCondition,
    ConditionKind,
    DimensionScore,
    EnrolmentRequirement,
)


def alternatives(policy: Policy, outcome: Outcome) -> list[AlternativeOut]:
    """The paper's alternatives whose lessons meet those of a fired gate rule."""
    gate_lessons = {lesson for r in outcome.fired if policy.is_gate(r) for lesson in r.lessons}
    return [AlternativeOut(**a.model_dump()) for a in policy.alternatives
            if gate_lessons & set(a.lessons)]


def about_problem(rule: Rule) -> bool:
    """Whether a finding is about the problem itself (every fact it reads is a problem fact),
    not about the design: a different programme, not a design change, would clear it."""
    return rule.dimension == Dimension.problem_fit and all(
        f.startswith("problem.") for f in fields_of(rule.when))


def recommendation(rule: Rule, facts: dict[str, Any] | None = None) -> str:
    """The rule's recommendation, naming what is missing where the rule fired because items
    are absent from a list (the expertise not listed, not every kind the rule checks): the
    items the recommendation lists in brackets give way to those missing."""
    text = rule.recommendation
    if not facts:
        return text
    absent = [leaf for leaf in deciding_leaves(negation_normal_form(rule.when), facts, True)
              if leaf.op == "not_contains"]
    if not absent:
        return text
    named = words.join(list(dict.fromkeys(words.choice(leaf.field, str(leaf.value))
                                          for leaf in absent)))
    return f"{text.split(' (')[0].rstrip('.')}: {named}."


def award_conditions(policy: Policy, judgement: Judgement,
                     questions: dict[str, str],
                     facts: dict[str, Any] | None = None) -> list[AwardCondition]:
    """Conditions of award, for a conditional verdict only: one for each fired finding that
    makes the verdict conditional (a finding about the problem itself is a limit, not
    something an applicant can meet), and one for each open commitment that could bring a
    finding: the commitment that keeps it away (`questions`: rule id -> the question to
    put). Open facts are never conditions: no applicant can meet them (see the evaluation's
    facts_to_establish)."""
    if judgement.verdict != Verdict.conditional:
        return []
    out = [_condition(policy, r, facts=facts) for r in judgement.outcome.fired
           if policy.severity_verdicts[r.severity] == Verdict.conditional
           and (r.condition or not about_problem(r))]
    out += [_condition(policy, r, questions.get(r.id), kind="commitment")
            for r in judgement.commitments]
    return out


def if_resubmitted(policy: Policy, judgement: Judgement,
                   facts: dict[str, Any] | None = None) -> list[AwardCondition]:
    """For a not-recommended verdict: the design changes a resubmission needs (every fired
    blocker or major finding about the design), then the findings about the problem itself:
    those that cap the verdict at conditional whatever the design, and those no design of
    this programme clears. Never conditions of award."""
    if judgement.verdict != Verdict.not_recommended:
        return []
    against = [r for r in judgement.outcome.fired
               if policy.severity_verdicts[r.severity] != Verdict.recommended
               and r.severity != Severity.strength]
    design = [_condition(policy, r, kind="resubmit", facts=facts) for r in against
              if not about_problem(r)]
    limits = [_condition(policy, r, kind="problem_limit") for r in against
              if about_problem(r) and policy.severity_verdicts[r.severity] == Verdict.conditional]
    other = [_condition(policy, r, kind="different_programme") for r in against
             if about_problem(r) and policy.severity_verdicts[r.severity] != Verdict.conditional]
    return design + limits + other


def funder_figures(policy: Policy, rule: Rule) -> dict[str, str]:
    """The figures a rule compares with that are the funder's policy, by the parameter that
    sets them, e.g. {'local_lead_time_pct': '10 percent'}, in the rule's order."""
    found: dict[str, str] = {}
    for leaf in leaves(rule.when):
        param = policy.parameters.get(leaf.param or "")
        if param is not None and param.source == "funder":
            found.setdefault(leaf.param or "", param.shown())
    return found


def _condition(policy: Policy, rule: Rule, question: str | None = None,
               kind: ConditionKind = "finding",
               facts: dict[str, Any] | None = None) -> AwardCondition:
    """A change to make, as a sentence a funder can paste into a letter. The paper is cited
    for the lesson; a figure the paper does not give is named as the funder's."""
    action = recommendation(rule, facts).rstrip(".")
    lowered = action[0].lower() + action[1:]
    where = f"{rule.citation}, {rule.lines}"
    source = (f"finding {rule.id}, \"{rule.title}\"; lessons {', '.join(rule.lessons)}; "
              f"Aveling et al. 2017, {where}")
    figures = funder_figures(policy, rule)
    if kind == "commitment":
        asked = f"{question}; " if question else ""
        text = (f"The proposal does not say, so the award is conditional on this commitment: "
                f"{lowered} ({asked}{source}).")
    elif kind == "finding":
        text = f"Before the award is confirmed, the applicant must {lowered} ({source})."
    else:
        text = f"{action} ({source})."
    shown = list(figures.values())
    if shown and "funder's" not in action:  # the action does not label its figure already
        text += (f" This finding rests on the funder's figure{'s' if len(shown) > 1 else ''} "
                 f"of {' and '.join(shown)}, not the paper's.")
    group = policy.group_of(rule.id)
    return AwardCondition(rule_id=rule.id, lessons=list(rule.lessons), text=text,
                          kind=kind, title=rule.title, action=action + ".",
                          group_heading=group.heading if group else None, question=question,
                          funder_figures=[f"{v} ({k})" for k, v in figures.items()])


def enrolment_requirements(policy: Policy, facts: dict[str, Any]) -> list[EnrolmentRequirement]:
    """Each minimum commitment from sites, and whether the design has it."""
    out = []
    for req in policy.enrolment_requirements:
        met = compile_python(req.met_when)(facts)
        status = "unknown" if met is None else "in_design" if met else "missing"
        out.append(EnrolmentRequirement(id=req.id, requirement=req.requirement,
                                        lessons=list(req.lessons), status=status, ask=req.ask))
    return out


def scores(policy: Policy, rules: list[Rule], outcome: Outcome) -> dict[str, DimensionScore]:
    """Per dimension: lessons met, missed (a fired finding) or unknown (an undetermined one)."""
    fired = {r.id for r in outcome.fired}
    undetermined = {r.id for r in outcome.undetermined}
    # one state per lesson in the whole report: missed when a finding citing it fired
    # against the proposal (in any dimension), else unknown when one is still open
    against_all = [r for r in rules if r.severity != Severity.strength]
    missed_all = {lesson for r in against_all if r.id in fired for lesson in r.lessons}
    unknown_all = {lesson for r in against_all if r.id in undetermined
                   for lesson in r.lessons} - missed_all
    result: dict[str, DimensionScore] = {}
    for dim, info in policy.dimensions.items():
        in_dim = [r for r in rules if r.dimension == dim]
        lessons = sorted({lesson for r in in_dim for lesson in r.lessons}, key=lesson_key)
        missed = missed_all & set(lessons)
        unknown = unknown_all & set(lessons)
        met = [lesson for lesson in lessons if lesson not in missed | unknown]
        strengths = [r.id for r in in_dim if r.severity == Severity.strength and r.id in fired]
        result[dim.value] = DimensionScore(
            title=info.title, met=len(met), total=len(lessons),
            missed=sorted(missed, key=lesson_key), unknown=sorted(unknown, key=lesson_key),
            strengths=strengths,
            explanation=_explain(len(met), len(lessons), missed, unknown, against_all, fired,
                                 undetermined))
    return result


def _explain(met: int, total: int, missed: set[str], unknown: set[str], against: list[Rule],
             fired: set[str], undetermined: set[str]) -> str:
    """E.g. 'Meets 4 of 6 lessons; misses L3 (PF-07); cannot tell L1 (PF-01).' (the
    rule ids are for the JSON reader; reports list the lessons with their titles)."""
    parts = []
    for label, lessons, ids in (("misses", missed, fired),
                                ("cannot tell", unknown, undetermined)):
        cited = []
        for lesson in sorted(lessons, key=lesson_key):
            rules = ", ".join(r.id for r in against if r.id in ids and lesson in r.lessons)
            cited.append(f"{lesson} ({rules})")
        if cited:
            parts.append(f"{label} {'; '.join(cited)}")
    return "; ".join([f"Meets {met} of {total} {'lesson' if total == 1 else 'lessons'}"]
                     + parts) + "."


def lesson_key(lesson: str) -> int:
    """L2 before L10."""
    return int(lesson[1:])
