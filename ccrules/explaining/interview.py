"""Guided mode: a sparse draft reaches a decided verdict one question at a time, the most
decisive question first.

The interview is a function of its state, with no I/O: `interview(draft, rulebook)` gives the
state (the verdict, its range, completeness, whether it is decided, and the open questions
ranked), and `apply(rulebook, state, field, value)` records one answer, or skips the question
when the value is DONT_KNOW, and gives the new state. answers.py words the questions and
reads typed answers (`read_answer`), so the command line and the page share one reading.

**Decided** means the verdict is not `insufficient_information` and the range is one verdict
(best == worst). The range is over the open facts, with open commitments taken as secured by
their conditions of award (judging/judge.py), so a decided verdict holds for every way the
open facts could turn out, provided the open commitments are met, and with one exception:
findings add up (the policy's aggregations) on stated findings only, so a fact answered later
can still complete one. A verdict such as `conditional` with a best case of `recommended` is
not decided: an answer could still raise it.

**Ranking.** A question's answers are grouped into the classes the rules tell apart (each
choice; for a number, the ranges between the thresholds the rules compare it with; for a list,
the members and counts the rules test). Each class is judged once (the Python evaluator, with
the verdict range searched) and scored by what it leaves open: 0 when decided, otherwise
1 + the width of the range in verdict steps (recommended to not_recommended is 2) + the share
of verdict-relevant rules still undecided. Questions are ranked by the mean score over their
classes (every class counted alike: nothing says which answer is likelier), then by the worst
score, then by how many undecided rules the field bears on, then in the order
`missing_information` gives (problem-fit questions first). docs/guided.md compares this with
other orders and with the fewest questions possible.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace
from typing import Any

from ..errors import ErrorItem, ProposalError
from ..judging.judge import RANK, Judge, Judgement, judge_for, relevant
from ..proposal.facts import flatten
from ..proposal.fields import DERIVED, catalogue
from ..proposal.model import Proposal
from ..proposal.reading import parse_proposal, put_answer
from ..rulebook.loader import Rulebook
from ..rulebook.model import Verdict
from .answers import (  # noqa: F401 (the interview's whole vocabulary, from one place)
    DONT_KNOW,
    AnswerError,
    Choice,
    Question,
    checked,
    classes,
    mark,
    question,
    read_answer,
    read_members,
)
from .missing import missing_information


@dataclass(frozen=True)
class State:
    """Where an interview stands. `data` is the draft as JSON data with the answers given so
    far written in (every field the draft had is kept)."""

    data: dict
    verdict: Verdict
    best: Verdict
    worst: Verdict
    completeness: float
    questions: tuple[Question, ...]  # most decisive first
    answered: tuple[str, ...] = ()  # fields answered in this interview, in order
    skipped: tuple[str, ...] = ()  # fields the officer could not answer

    @property
    def decided(self) -> bool:
        return is_decided(self.verdict, self.best, self.worst)

    @property
    def finished(self) -> bool:
        """Decided, or nothing left to ask."""
        return self.decided or not self.questions

    @property
    def range_words(self) -> str:
        return Verdict.span(self.best, self.worst)

    @property
    def answers(self) -> list[tuple[str, str]]:
        """(label, value in words) for each answer given, in order."""
        facts = flatten(parse_proposal(self.data))
        info = catalogue()
        return [(info[f].label, info[f].words(facts[f]))
                for f in self.answered]


def is_decided(verdict: Verdict, best: Verdict, worst: Verdict) -> bool:
    """See the module's docstring: not insufficient_information, and one verdict."""
    return verdict != Verdict.insufficient_information and best == worst


def interview(draft: dict | Proposal, rulebook: Rulebook, answered: tuple[str, ...] = (),
              skipped: tuple[str, ...] = (), rank: bool = True) -> State:
    """The state of an interview on this draft (JSON data or a Proposal; ProposalError if
    it is not a valid proposal). `answered` names the fields answered so far (for the count
    and the list of answers), `skipped` those not to ask again. Without `rank`, the open
    questions come unscored, in the order missing_information gives (enough to apply an
    answer to, at a fraction of the cost)."""
    data = draft.model_dump(mode="json", exclude_none=True) if isinstance(draft, Proposal) \
        else copy.deepcopy(draft)
    named = list(dict.fromkeys((*answered, *skipped)))
    if any(f not in catalogue() or f.startswith("derived.") for f in named):
        raise AnswerError("The interview names a question that does not exist.",
                          [ErrorItem((), "unknown question")])
    facts = flatten(parse_proposal(data))  # ProposalError for anything but a proposal
    judge = judge_for(rulebook)
    now = judge.judge(facts)
    questions = _questions(judge, facts, now, set(skipped), rank)
    return State(data, now.verdict, now.best, now.worst, now.completeness, tuple(questions),
                 tuple(f for f in named if f in answered and facts[f] is not None),
                 tuple(f for f in named if f in skipped and facts[f] is None))


def apply(rulebook: Rulebook, state: State, field: str, value: Any) -> State:
    """The state after answering one open question (DONT_KNOW skips it). AnswerError if the
    question is not open or the value does not fit it."""
    asked = next((q for q in state.questions if q.field == field), None)
    if asked is None:
        raise AnswerError("That question is not open for this proposal (it may have been "
                          "answered already).")
    if value is DONT_KNOW:
        return interview(state.data, rulebook, state.answered, (*state.skipped, field))
    data = copy.deepcopy(state.data)
    put_answer(data, field, checked(asked, value))
    try:
        parse_proposal(data)
    except ProposalError as exc:
        msgs = "; ".join(e.msg for e in exc.errors) or exc.detail
        raise AnswerError(f"{asked.label}: {msgs}") from None
    return interview(data, rulebook, (*state.answered, field), state.skipped)


# -- ranking --------------------------------------------------------------------------------

def asked_field(path: str) -> str | None:
    """The field to ask about for an unknown fact: itself, or for a derived fact the answer
    it is first computed from; None for a menu of options, which the form must describe."""
    if path.startswith("derived."):
        path = next(d.sources[0] for d in DERIVED if d.path == path)
    return path if catalogue()[path].kind.question else None


def _questions(judge: Judge, facts: dict, now: Judgement, skipped: set[str],
               rank: bool) -> list[Question]:
    """The open questions, most decisive first (none once the verdict is decided)."""
    if is_decided(now.verdict, now.best, now.worst):
        return []
    by_field: dict[str, list[str]] = {}
    for item in missing_information(judge, facts, now):
        path = asked_field(item.field)
        if path and path not in skipped and facts[path] is None:
            rules = by_field.setdefault(path, [])
            rules.extend(r for r in item.rules if r not in rules)
    questions = [question(judge, facts, path, tuple(rules)) for path, rules in by_field.items()]
    if not rank:
        return questions
    total = sum(1 for r in judge.rules if relevant(judge.policy, r)) or 1
    ranked = []
    for order, q in enumerate(questions):
        scores = [left_open(judge, judge.judge(judge.with_changes(facts, {q.field: v}),
                                               engine=False), total)
                  for v in classes(judge, facts, q)]
        q = replace(q, score=(sum(scores) / len(scores), max(scores)),
                    can_decide=min(scores) == 0)
        ranked.append(((*q.score, -len(q.rules), order), q))
    return [q for _, q in sorted(ranked, key=lambda t: t[0])]


def left_open(judge: Judge, j: Judgement, total: int) -> float:
    """What a judgement leaves open: 0 when decided, else 1 + the range's width in verdict
    steps + the share of verdict-relevant rules still undecided."""
    if is_decided(j.verdict, j.best, j.worst):
        return 0.0
    undecided = sum(1 for r in j.outcome.undetermined if relevant(judge.policy, r))
    return 1 + RANK[j.best] - RANK[j.worst] + undecided / total
