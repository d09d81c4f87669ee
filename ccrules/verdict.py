"""The verdict policy applied to rule outcomes: the verdict, the dimension scores, and the
paper's alternatives when the problem does not fit."""

from __future__ import annotations

from dataclasses import dataclass

from .evaluation import AlternativeOut, DimensionScore
from .rule_model import Policy, Rule, Severity, Verdict

RANK = {Verdict.not_recommended: 0, Verdict.conditional: 1, Verdict.recommended: 2}


@dataclass(frozen=True)
class Outcome:
    """Each rule's three-valued result for one proposal."""

    fired: list[Rule]
    undetermined: list[Rule]
    held_back: list[Rule]  # known not to fire

    def __post_init__(self) -> None:
        assert not ({r.id for r in self.fired} & {r.id for r in self.undetermined})


def relevant(policy: Policy, rule: Rule) -> bool:
    """Whether a rule can lower the verdict (its severity maps below recommended)."""
    return policy.severity_verdicts[rule.severity] != Verdict.recommended


def confidence(policy: Policy, rules: list[Rule], outcome: Outcome) -> float:
    """Share of the verdict-relevant rules that the stated facts decide either way."""
    total = sum(1 for r in rules if relevant(policy, r))
    if not total:
        return 1.0
    open_ = sum(1 for r in outcome.undetermined if relevant(policy, r))
    return round(1 - open_ / total, 2)


def classify(rules: list[Rule], evaluators: dict, facts: dict) -> Outcome:
    """Each rule's three-valued result on the facts, by the Python evaluator."""
    fired, undetermined, held = [], [], []
    for rule in rules:
        result = evaluators[rule.id](facts)
        (fired if result else undetermined if result is None else held).append(rule)
    return Outcome(fired, undetermined, held)


def verdict_for(policy: Policy, rules: list[Rule], outcome: Outcome) -> Verdict:
    """The verdict for an outcome, with its confidence worked out from the same outcome."""
    return decide(policy, outcome, confidence(policy, rules, outcome))


def decide(policy: Policy, outcome: Outcome, confidence: float) -> Verdict:
    """Blocker fired -> its verdict; gate undetermined or too little known ->
    insufficient_information; else the worst verdict among fired rules."""
    fired_verdicts = [policy.severity_verdicts[r.severity] for r in outcome.fired]
    if Verdict.not_recommended in fired_verdicts:
        return Verdict.not_recommended
    if any(policy.is_gate(r) for r in outcome.undetermined) or confidence < policy.min_confidence:
        return Verdict.insufficient_information
    ranked = [v for v in fired_verdicts if v in RANK]
    return min(ranked, key=RANK.__getitem__, default=Verdict.recommended)


def alternatives(policy: Policy, outcome: Outcome) -> list[AlternativeOut]:
    """The paper's alternatives whose lessons meet those of a fired gate rule."""
    gate_lessons = {lesson for r in outcome.fired if policy.is_gate(r) for lesson in r.lessons}
    return [AlternativeOut(**a.model_dump()) for a in policy.alternatives
            if gate_lessons & set(a.lessons)]


def scores(policy: Policy, rules: list[Rule], outcome: Outcome) -> dict[str, DimensionScore]:
    """Per dimension: lessons met, missed (a fired finding) or unknown (an undetermined one)."""
    fired = {r.id for r in outcome.fired}
    undetermined = {r.id for r in outcome.undetermined}
    result: dict[str, DimensionScore] = {}
    for dim, info in policy.dimensions.items():
        in_dim = [r for r in rules if r.dimension == dim]
        lessons = sorted({lesson for r in in_dim for lesson in r.lessons}, key=_lesson_key)
        against = [r for r in in_dim if r.severity != Severity.strength]
        missed = {lesson for r in against if r.id in fired for lesson in r.lessons}
        unknown = {lesson for r in against if r.id in undetermined
                   for lesson in r.lessons} - missed
        met = [lesson for lesson in lessons if lesson not in missed | unknown]
        strengths = [r.id for r in in_dim if r.severity == Severity.strength and r.id in fired]
        result[dim.value] = DimensionScore(
            title=info.title, met=len(met), total=len(lessons),
            missed=sorted(missed, key=_lesson_key), unknown=sorted(unknown, key=_lesson_key),
            strengths=strengths,
            explanation=_explain(len(met), len(lessons), missed, unknown, in_dim, fired,
                                 undetermined))
    return result


def _explain(met, total, missed, unknown, in_dim, fired, undetermined) -> str:
    """E.g. 'Meets 4 of 6 lesson(s); misses L3 (PF-07); cannot tell L1 (PF-01).'"""
    against = [r for r in in_dim if r.severity != Severity.strength]
    parts = []
    for label, lessons, ids in (("misses", missed, fired),
                                ("cannot tell", unknown, undetermined)):
        cited = []
        for lesson in sorted(lessons, key=_lesson_key):
            rules = ", ".join(r.id for r in against if r.id in ids and lesson in r.lessons)
            cited.append(f"{lesson} ({rules})")
        if cited:
            parts.append(f"{label} {'; '.join(cited)}")
    return "; ".join([f"Meets {met} of {total} lesson(s)"] + parts) + "."


def _lesson_key(lesson: str) -> int:
    return int(lesson[1:])
