"""The one-paragraph summary a programme officer reads first."""

from __future__ import annotations

from collections.abc import Sequence

from ..judging.judge import Judgement, relevant
from ..judging.policy import about_problem
from ..rulebook.model import Policy, Rule, Severity, Verdict

LEAD = {
    Verdict.recommended: "Recommended as a clinical community",
    Verdict.conditional: "Fundable as a clinical community on conditions",
    Verdict.not_recommended: "Not recommended as a clinical community as designed",
    Verdict.insufficient_information: "Cannot be judged yet",
}


def _titles(rules: Sequence[Rule], limit: int = 3) -> str:
    names = [r.title[0].lower() + r.title[1:] for r in rules[:limit]]
    more = len(rules) - limit
    return "; ".join(names) + (f"; and {more} more" if more > 0 else "")


def _count(n: int, one: str, many: str) -> str:
    return f"{'one' if n == 1 else n} {one if n == 1 else many}"


def write_summary(policy: Policy, judgement: Judgement, why: list[str],
                  questions: list[str]) -> str:
    """The verdict's reasons (`why`, from why_sentences), then the first question for a
    draft, strengths, minor points and completeness, in one paragraph."""
    outcome = judgement.outcome
    sentences = list(why)
    if judgement.verdict == Verdict.insufficient_information and questions:
        sentences.append(f"Ask first: {questions[0]}")
    strengths = [r for r in outcome.fired if r.severity == Severity.strength]
    minors = sum(1 for r in outcome.fired if r.severity == Severity.minor)
    tail = []
    if strengths:
        tail.append(f"{_count(len(strengths), 'strength', 'strengths')} "
                    f"({_titles(strengths, 2)})")
    if minors:
        tail.append(_count(minors, "minor point", "minor points"))
    majors = [r for r in outcome.fired if r.severity == Severity.major]
    if judgement.verdict == Verdict.insufficient_information and majors:
        tail.insert(0, _count(len(majors), "major finding", "major findings"))
    if tail:
        sentences.append("It shows " + " and ".join(tail) + ".")
    open_ = sum(1 for r in outcome.undetermined if relevant(policy, r))
    sentences.append(f"Completeness {judgement.completeness:.0%}: the stated facts decide "
                     f"that share of the rules that can lower the verdict"
                     + (f" ({open_} still open)." if open_ else "."))
    return " ".join(sentences)


def why_sentences(policy: Policy, judgement: Judgement) -> list[str]:
    """At most three sentences that name the findings deciding the verdict."""
    outcome, verdict = judgement.outcome, judgement.verdict
    blockers = [r for r in outcome.fired if r.severity == Severity.blocker]
    majors = [r for r in outcome.fired if r.severity == Severity.major]
    commitments = judgement.commitments
    facts = judgement.by_facts
    sentences = []
    limits = [r for r in majors if about_problem(r)]
    if verdict == Verdict.not_recommended:
        reasons = []
        if problem_blockers := [r for r in blockers if about_problem(r)]:
            reasons.append(f"the paper suggests the problem may not suit one "
                           f"({_titles(problem_blockers)})")
        if design := [r for r in blockers if not about_problem(r)]:
            reasons.append(f"as designed, {_titles(design)}")
        added = [agg.title[0].lower() + agg.title[1:] for agg in policy.aggregation
                 if agg.id in judgement.aggregations]
        if added:
            reasons.append(f"by ccrules' policy for findings that add up (not a finding of "
                           f"the paper), {'; '.join(added)}")
        sentences.append(f"Not recommended as a clinical community: {'; '.join(reasons)}.")
        if limits and not problem_blockers:
            sentences.append(f"Even with a better design, ccrules' reading of the paper allows "
                             f"at most a conditional award for this problem "
                             f"({_titles(limits)}).")
        others = [r for r in majors if r not in limits]
        if others:
            more = _count(len(others), "major finding", "major findings")
            sentences.append(f"Beyond that, {more} would also need attention.")
    elif verdict == Verdict.insufficient_information:
        deciding = [r for r in facts
                    if policy.severity_verdicts[r.severity] == Verdict.not_recommended]
        if not deciding:
            sentences.append(f"{LEAD[verdict]}: the stated facts decide only "
                             f"{judgement.completeness:.0%} of the rules that could lower the "
                             f"verdict (ccrules asks for at least "
                             f"{policy.min_completeness:.0%}, the funder's figure).")
        else:
            gate = any(policy.is_gate(r) for r in deciding)
            what = ("whether a clinical community fits the problem" if gate
                    else "whether the programme can be funded as designed")
            sentences.append(f"{LEAD[verdict]}: open facts, which no condition of award can "
                             f"secure, decide {what}; ccrules keeps the verdict open until "
                             f"they are established.")
        known = [r for r in outcome.fired if policy.severity_verdicts[r.severity]
                 != Verdict.recommended]
        at_best = f"At best {judgement.best.words}"
        sentences.append(at_best + (f"; already found: {_titles(known)}." if known else
                                    "; nothing against the stated design so far."))
    elif verdict == Verdict.conditional:
        others = [r for r in majors if r not in limits]
        if len(others) == 1 and not limits and not commitments and not facts:
            sentences.append(f"{LEAD[verdict]}: one fixable finding to put right "
                             f"({_titles(others)}).")
        else:
            parts = []
            if limits:
                parts.append(f"ccrules' reading of the paper allows no better for this "
                             f"problem ({_titles(limits)})"
                             + (", on the conditions it brings" if any(
                                 r.condition for r in limits) else ""))
            if others:
                parts.append(f"{_count(len(others), 'finding', 'findings')} to meet as "
                             f"{'a condition' if len(others) == 1 else 'conditions'} "
                             f"({_titles(others)})")
            if commitments:
                parts.append(f"{_count(len(commitments), 'commitment', 'commitments')} the "
                             f"proposal does not state, required as "
                             f"{'a condition' if len(commitments) == 1 else 'conditions'}")
            if facts:
                parts.append(f"{_count(len(facts), 'open fact', 'open facts')} to establish "
                             f"before the award, " + ("which" if len(facts) == 1 else
                                                      "each of which")
                             + " could bring a major finding")
            sentences.append(f"{LEAD[verdict]}: {'; '.join(parts)}.")
    else:
        sentences.append(f"{LEAD[verdict]}: no blocker or major finding, and no open answer "
                         f"could bring one.")
    return sentences[:3]
