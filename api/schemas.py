"""Request and response models of the HTTP API (they also generate its OpenAPI document)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ccrules.authoring.agreement import AgreementReport
from ccrules.judging.result import Evaluation
from ccrules.panel.decisions import DecisionInput, DecisionRecord
from ccrules.proposal.model import Proposal
from ccrules.rulebook.model import Verdict
from ccrules.service import ListQuery

MAX_WHAT_IF = 20  # answers one what-if may change
MAX_WHY_NOT = 100  # rules one request may ask about


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EvaluationRequest(Strict):
    """Evaluate one proposal and store the result."""

    proposal: Proposal
    what_if: dict[str, Any] | None = Field(default=None, max_length=MAX_WHAT_IF, description=(
        "Answers to change, by dotted field path (e.g. {\"enrolment.data_submission\": "
        "\"mandatory_with_exit\"}); the result then carries `what_if`, the evaluation with "
        "the changes, beside the original."))
    why_not: list[str] = Field(default_factory=list, max_length=MAX_WHY_NOT, description=(
        "Rule ids to explain when they do not fire (gate rules always are)."))
    round: str | None = Field(default=None, max_length=64, description=(
        "The round (its id) the proposal's application joins; it must be open."))


class EvaluationSummary(BaseModel):
    """One stored evaluation in a listing."""

    id: str
    created_at: str
    verdict: Verdict
    title: str | None
    reference: str | None
    ruleset_version: str
    applicant: str | None = None
    best: Verdict | None = Field(default=None, description="Best end of the verdict range.")
    worst: Verdict | None = Field(default=None, description="Worst end of the verdict range.")
    completeness: float | None = None
    blockers: int = Field(default=0, description="Blocker findings.")
    majors: int = Field(default=0, description="Major findings.")
    open_questions: int = Field(default=0, description="Questions for the applicant.")
    application_id: str | None = Field(default=None, description="Its application.")
    version: int | None = Field(default=None, description="Its proposal's version.")
    current: bool | None = Field(default=None, description="Whether it is its application's "
                                                           "current evaluation.")


class EvaluationPage(BaseModel):
    """A page of stored evaluations."""

    items: list[EvaluationSummary]
    total: int = Field(description="Evaluations matching the filters, on every page.")
    limit: int
    offset: int
    next_cursor: str | None = Field(default=None, description=(
        "Pass as `cursor` (with the same filters and sort) for the page after this one; "
        "null on the last page."))


class ScreeningRequest(Strict):
    """A batch of proposals, e.g. a funding round (at most MAX_BATCH, 100 by default)."""

    proposals: list[Proposal] = Field(min_length=1)
    round: str | None = Field(default=None, max_length=64, description=(
        "The round (its id) every application joins; it must be open."))


class ScreeningItem(BaseModel):
    """One proposal's evaluation in a screening, with its place in the request."""

    index: int
    status: str = Field(description="'new' (a new application), 'changed' (a new version of "
                                    "one) or 'unchanged' (already screened: not stored "
                                    "again; `evaluation` is the stored one).")
    version: int = Field(description="The proposal's version in its application.")
    application_id: str
    evaluation: Evaluation


class ScreeningResult(BaseModel):
    """A screened batch: every result, in request order, and counts per verdict."""

    results: list[ScreeningItem] = Field(description="One per proposal, in request order.")
    counts: dict[str, int] = Field(description="Proposals per verdict ('invalid' is always 0 "
                                               "here: an invalid batch is refused whole).")
    stored: dict[str, int] = Field(description="How many were new, changed and unchanged.")


class RuleSummary(BaseModel):
    """A rule as listed: what it checks, how much it weighs, what it encodes."""

    id: str
    title: str
    dimension: str
    severity: str
    lessons: list[str]
    citation: str


class RuleList(BaseModel):
    """The rulebook in use."""

    version: str
    rules: list[RuleSummary]
    lessons: dict[str, list[str]] = Field(description="Lesson id to the rules that cite it.")


class RuleDetail(RuleSummary):
    """One rule in full, with its condition and its own examples."""

    when: dict[str, Any]
    message: str
    rationale: str
    recommendation: str
    examples: dict[str, Any]


class LessonOut(BaseModel):
    """One of the paper's lessons, in ccrules' words, with where the paper says it."""

    id: str
    title: str
    text: str
    section: str
    lines: str
    rules: list[str] = Field(description="The rules that encode it.")


class LessonList(BaseModel):
    """The paper's lessons L1-L35."""

    version: str
    lessons: list[LessonOut]


class ReloadResult(BaseModel):
    """What a reload did."""

    status: str = Field(description="'reloaded' (this process), or 'reloading' (the server's "
                                    "workers are being replaced with the new rules)")
    version: str = Field(description="The version of the rules now being served.")
    previous: str


_LISTING = ListQuery.model_fields


class DecisionRequest(DecisionInput):
    """The panel's decision on a stored evaluation. Every finding and condition of award not
    set aside is accepted; each one set aside needs a reason, and must be in the evaluation.
    """


class DecisionOut(DecisionRecord):
    """A recorded decision, never changed afterwards: a later one supersedes it."""


class DecisionHistory(BaseModel):
    """Every decision recorded on an evaluation, newest first; the first is current."""

    evaluation_id: str
    verdict: Verdict = Field(description="The screener's verdict.")
    decisions: list[DecisionOut]


class AgreementQuery(Strict):
    """Which evaluations the agreement covers: the filters of a listing of evaluations."""

    since: datetime | None = Field(default=None, description=_LISTING["since"].description)
    until: datetime | None = Field(default=None, description=_LISTING["until"].description)
    verdict: Verdict | None = Field(default=None, description=_LISTING["verdict"].description)
    q: str | None = Field(default=None, max_length=200, description=_LISTING["q"].description)
    round: str | None = Field(default=None, max_length=64,
                              description=_LISTING["round"].description)


class AgreementOut(AgreementReport):
    """How often the panel's current decisions agreed with the verdicts. A decision agrees
    with its verdict when they match (recommended~funded, conditional~funded_with_conditions,
    not_recommended~declined, insufficient_information~deferred); it agrees in part when
    both fund without matching (counted apart, never as agreement)."""
