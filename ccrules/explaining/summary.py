"""The one-paragraph summary a programme officer reads first."""

from __future__ import annotations

from ..judging.judge import Outcome
from ..rulebook.model import Policy, Severity, Verdict

LEAD = {
    Verdict.recommended: "Recommended as a clinical community",
    Verdict.conditional: "Fundable as a clinical community on conditions",
    Verdict.not_recommended: "Not recommended as a clinical community as designed",
    Verdict.insufficient_information: "Cannot be judged yet",
}


def _count(outcome: Outcome, severity: Severity) -> int:
    return sum(1 for r in outcome.fired if r.severity == severity)


def _titles(rules, limit=3) -> str:
    names = [r.title.lower() for r in rules[:limit]]
    more = len(rules) - limit
    return "; ".join(names) + (f"; and {more} more" if more > 0 else "")


def write_summary(policy: Policy, verdict: Verdict, outcome: Outcome, confidence: float,
                  missing_questions: list[str]) -> str:
    blockers = [r for r in outcome.fired if r.severity == Severity.blocker]
    majors = [r for r in outcome.fired if r.severity == Severity.major]
    strengths = [r for r in outcome.fired if r.severity == Severity.strength]
    sentences = []
    if verdict == Verdict.not_recommended:
        sentences.append(f"{LEAD[verdict]}: {_titles(blockers)}.")
        sentences.append("The paper's alternative is offered below.")
    elif verdict == Verdict.insufficient_information:
        gate = [r for r in outcome.undetermined if policy.is_gate(r)]
        if gate:
            sentences.append(f"{LEAD[verdict]}: the proposal does not say enough to decide "
                             f"whether a clinical community fits the problem "
                             f"({_titles(gate)}).")
        else:
            sentences.append(f"{LEAD[verdict]}: the stated facts decide only {confidence:.0%} "
                             f"of the rules that could lower the verdict (at least "
                             f"{policy.min_confidence:.0%} needed).")
        if missing_questions:
            sentences.append(f"Ask first: {missing_questions[0]}")
    elif verdict == Verdict.conditional:
        sentences.append(f"{LEAD[verdict]}: {len(majors)} major finding(s) to put right "
                         f"({_titles(majors)}).")
    else:
        sentences.append(f"{LEAD[verdict]}: no blocker or major finding.")
    if verdict != Verdict.not_recommended and majors and verdict != Verdict.conditional:
        sentences.append(f"{len(majors)} major finding(s) would need conditions.")
    if verdict == Verdict.not_recommended and majors:
        sentences.append(f"Beyond the problem fit, {len(majors)} major finding(s) would also "
                         f"need attention.")
    minors = _count(outcome, Severity.minor)
    tail = []
    if strengths:
        tail.append(f"{len(strengths)} strength(s) ({_titles(strengths, 2)})")
    if minors:
        tail.append(f"{minors} minor point(s)")
    if tail:
        sentences.append("It shows " + " and ".join(tail) + ".")
    sentences.append(f"Confidence {confidence:.0%}: {len(outcome.undetermined)} rule(s) "
                     f"could not be decided from what the proposal states.")
    return " ".join(sentences)
