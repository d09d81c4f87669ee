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
WORDS = {Verdict.recommended: "recommended", Verdict.conditional: "conditional",
         Verdict.not_recommended: "not recommended"}


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
    to_confirm = [r for r in judgement.could_fire
                  if policy.severity_verdicts[r.severity] == Verdict.conditional]
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
            reasons.append(f"the design needs rework: {'; '.join(added)}")
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
        if judgement.worst == Verdict.not_recommended and judgement.best != \
                Verdict.not_recommended:
            gate = [r for r in outcome.undetermined if policy.is_gate(r)]
            what = ("whether a clinical community fits the problem" if gate
                    else "whether findings add up to a design that needs rework")
            sentences.append(f"{LEAD[verdict]}: the open answers decide {what}.")
        else:
            sentences.append(f"{LEAD[verdict]}: the stated facts decide only "
                             f"{judgement.completeness:.0%} of the rules that could lower the "
                             f"verdict (at least {policy.min_completeness:.0%} needed).")
    elif verdict == Verdict.conditional:
        others = [r for r in majors if r not in limits]
        if len(others) == 1 and not limits and not to_confirm:
            sentences.append(f"{LEAD[verdict]}: one fixable finding to put right "
                             f"({_titles(others)}).")
        else:
            parts = []
            if limits:
                parts.append(f"ccrules' reading of the paper allows no better for this "
                             f"problem ({_titles(limits)})")
            if others:
                parts.append(f"{_count(len(others), 'finding', 'findings')} to meet as "
                             f"{'a condition' if len(others) == 1 else 'conditions'} "
                             f"({_titles(others)})")
            if to_confirm:
                parts.append(f"{_count(len(to_confirm), 'open answer', 'open answers')} to "
                             f"confirm, " + ("which" if len(to_confirm) == 1 else "each of which")
                             + " could bring a major finding")
            sentences.append(f"{LEAD[verdict]}: {'; '.join(parts)}.")
    else:
        sentences.append(f"{LEAD[verdict]}: no blocker or major finding, and no open answer "
                         f"could bring one.")
    return sentences[:3]
