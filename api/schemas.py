"""Request and response models of the HTTP API (they also generate its OpenAPI document)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ccrules.evaluation import Evaluation
from ccrules.proposal import Proposal
from ccrules.rule_model import Verdict



class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EvaluationRequest(Strict):
    """Evaluate one proposal and store the result."""

    proposal: Proposal
    what_if: dict[str, Any] | None = Field(default=None, description=(
        "Answers to change, by dotted field path (e.g. {\"enrolment.data_submission\": "
        "\"mandatory_with_exit\"}); the result then carries `what_if`, the evaluation with "
        "the changes, beside the original."))
    why_not: list[str] = Field(default_factory=list, description=(
        "Rule ids to explain when they do not fire (gate rules always are)."))


class EvaluationQuery(Strict):
    verdict: Verdict | None = Field(default=None, description="Only this verdict.")
    since: datetime | None = Field(default=None, description=(
        "Only evaluations made at or after this time (ISO 8601; UTC if no zone)."))
    until: datetime | None = Field(default=None, description=(
        "Only evaluations made before this time (ISO 8601; UTC if no zone)."))
    limit: int = Field(default=50, ge=1, le=200, description="Page size (at most 200).")
    offset: int = Field(default=0, ge=0, description="Items to skip.")

    @field_validator("since", "until", mode="before")
    @classmethod
    def _iso(cls, value: Any) -> Any:
        """Only ISO 8601 (a date, or a date and time): not a bare number of seconds."""
        if value is None:
            return value
        try:
            return datetime.fromisoformat(str(value))
        except ValueError:
            raise ValueError("must be an ISO 8601 date or date-time, e.g. 2026-11-26 or "
                             "2026-11-26T09:30:00Z") from None

    @field_validator("since", "until")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc) if value else None

    def stamp(self, value: datetime | None) -> str | None:
        return value.isoformat(timespec="seconds") if value else None


class EvaluationSummary(BaseModel):
    id: str
    created_at: str
    verdict: Verdict
    title: str | None
    reference: str | None
    ruleset_version: str


class EvaluationPage(BaseModel):
    items: list[EvaluationSummary]
    total: int = Field(description="Evaluations matching the filters, on every page.")
    limit: int
    offset: int


class ScreeningRequest(Strict):
    """A batch of proposals, e.g. a funding round (at most MAX_BATCH, 100 by default)."""

    proposals: list[Proposal] = Field(min_length=1)


class ScreeningItem(BaseModel):
    index: int
    evaluation: Evaluation


class ScreeningResult(BaseModel):
    results: list[ScreeningItem] = Field(description="One per proposal, in request order.")
    counts: dict[str, int] = Field(description="Proposals per verdict ('invalid' is always 0 "
                                               "here: an invalid batch is refused whole).")


class RuleSummary(BaseModel):
    id: str
    title: str
    dimension: str
    severity: str
    lessons: list[str]
    citation: str


class RuleList(BaseModel):
    version: str
    rules: list[RuleSummary]
    lessons: dict[str, list[str]] = Field(description="Lesson id to the rules that cite it.")


class RuleDetail(RuleSummary):
    when: dict[str, Any]
    message: str
    rationale: str
    recommendation: str
    examples: dict[str, Any]


class ReloadResult(BaseModel):
    status: str = Field(description="'reloaded' (this process), or 'reloading' (the server's "
                                    "workers are being replaced with the new rules)")
    version: str = Field(description="The version of the rules now being served.")
    previous: str
