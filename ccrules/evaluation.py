"""The Evaluation: what ccrules returns for a proposal (JSON keys are a public contract)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .rule_model import Dimension, Severity, Verdict


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Finding(Out):
    """A rule that fired: a weakness (blocker, major, minor) or a strength."""

    rule_id: str
    title: str
    severity: Severity
    dimension: Dimension
    lessons: list[str]
    message: str
    rationale: str
    recommendation: str
    citation: str


class Undetermined(Out):
    """A rule whose outcome depends on facts the proposal leaves unknown."""

    rule_id: str
    title: str
    severity: Severity
    dimension: Dimension
    gate: bool = Field(description="Whether the rule is part of the problem-fit gate.")
    unknown_fields: list[str]


class DimensionScore(Out):
    """How many of a dimension's lessons the design meets, as far as is known."""

    title: str
    met: int
    total: int
    missed: list[str] = Field(description="Lessons a fired finding says the design misses.")
    unknown: list[str] = Field(description="Lessons that depend on unknown facts.")
    strengths: list[str] = Field(description="Rule ids of strengths in this dimension.")
    explanation: str


class AwardCondition(Out):
    """A condition of award, to be met before (or as a term of) funding."""

    rule_id: str
    lessons: list[str]
    text: str


class EnrolmentRequirement(Out):
    """A minimum commitment every site should make before it enrols."""

    id: str
    requirement: str
    lessons: list[str]
    status: Literal["in_design", "missing", "unknown"]
    ask: str


class MissingInfo(Out):
    """An unknown fact that verdict-relevant rules depend on, with the question to ask."""

    field: str
    question: str
    rules: list[str]
    gate: bool = Field(description="Whether a problem-fit gate rule depends on it.")


class AlternativeOut(Out):
    id: str
    title: str
    lessons: list[str]
    text: str


class RulesetRef(Out):
    version: str
    rules: list[str]


class Evaluation(Out):
    """A verdict on one proposal, with its reasons, evidence and conditions."""

    id: str
    title: str | None
    reference: str | None
    verdict: Verdict
    summary: str
    findings: list[Finding]
    undetermined: list[Undetermined]
    scores: dict[Dimension, DimensionScore]
    conditions: list[AwardCondition]
    enrolment_requirements: list[EnrolmentRequirement]
    missing: list[MissingInfo]
    confidence: float = Field(ge=0, le=1, description=(
        "Share of the verdict-relevant rules (those that can lower the verdict) that the "
        "proposal's stated facts decide."))
    alternatives: list[AlternativeOut] = Field(description=(
        "The paper's alternatives, offered when the problem does not fit a clinical community."))
    counterfactuals: list[dict] = Field(default_factory=list)
    ruleset: RulesetRef
    created_at: str
