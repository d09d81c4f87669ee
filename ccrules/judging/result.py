"""The Evaluation: what ccrules returns for a proposal (JSON keys are a public contract)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, model_validator

from ..rulebook.model import Dimension, Severity, Verdict


class Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Term(Out):
    """One condition term and the proposal's value for it."""

    field: str
    op: str
    value: Any = Field(description="What the rule compares with.")
    actual: Any = Field(description="The proposal's value (null when not stated).")
    text: str


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
    lines: str | None = Field(default=None, description="The paper's lines (P:n is line n of "
                                                        "its text).")
    because: list[Term] = Field(default_factory=list, description=(
        "The condition terms that made the rule fire, with the proposal's values."))


class WhyNot(Out):
    """A rule that did not fire, and the terms that kept it from firing (or the unknown
    facts that leave it open)."""

    rule_id: str
    title: str
    severity: Severity
    status: Literal["not_fired", "undetermined"]
    terms: list[Term]


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


ConditionKind = Literal["finding", "commitment", "confirm", "resubmit", "problem_limit",
                        "different_programme"]


class AwardCondition(Out):
    """A change the applicant must make: as a condition of award (a conditional verdict), or
    before resubmitting (a not-recommended one). `text` is the whole sentence for a letter;
    `action` and `group_heading` let a report state a shared preamble and heading once."""

    rule_id: str
    lessons: list[str]
    text: str
    kind: ConditionKind = Field(
        default="finding", description=(
            "'finding': put right what a major finding says (a condition of award); "
            "'commitment': the proposal does not say, and a funder can require the answer: "
            "the commitment that keeps the finding away, as a condition of award ('confirm' "
            "in evaluations stored before open commitments and open facts were told apart); "
            "'resubmit': a design change to make before resubmitting; 'problem_limit': a "
            "finding about the problem itself that caps the verdict at conditional whatever "
            "the design (ccrules' problem-fit table); 'different_programme': a finding about "
            "the problem itself that no design of this programme clears."))
    title: str = Field(default="", description="The finding's title.")
    action: str = Field(default="", description=(
        "What to do, as an imperative sentence (the finding's recommendation)."))
    group_heading: str | None = Field(default=None, description=(
        "The heading shared by conditions that ask for the same kind of change."))
    question: str | None = Field(default=None, description=(
        "For 'commitment': the question to put to the applicant."))
    funder_figures: list[str] = Field(default_factory=list, description=(
        "Figures the condition rests on that are the funder's policy, not the paper's."))


class EnrolmentRequirement(Out):
    """A minimum commitment a funder might ask of every site before it enrols (ccrules' list of
    what the paper says a design "might include", P:744-751)."""

    id: str
    requirement: str
    lessons: list[str]
    status: Literal["in_design", "missing", "unknown"]
    ask: str


class MissingInfo(Out):
    """An unknown answer that verdict-relevant rules depend on, with the question to ask; the
    list is ranked most decisive first (problem-fit questions, then those behind blocker
    rules, then by the number of open rules the answer bears on)."""

    field: str
    question: str
    rules: list[str] = Field(description="The open rules that can lower the verdict and "
                                         "whose outcome this answer can still change.")
    gate: bool = Field(description="Whether a problem-fit gate rule depends on it.")
    kind: Literal["fact", "commitment"] = Field(default="commitment", description=(
        "'fact': something no condition of award can secure (the problem, the sites' "
        "context, the leads' standing), to establish before the award; while open it keeps "
        "the verdict open where it could lower it. 'commitment': something a funder can "
        "require as a condition of award; while open it makes the verdict conditional at "
        "most, never undecided or not recommended."))


class Change(Out):
    field: str
    before: Any = Field(alias="from")
    after: Any = Field(alias="to")
    text: str
    design_choice: bool = Field(description=(
        "False where the paper treats the fact as a feature of the problem or context that "
        "no design can buy (e.g. making an unbounded problem bounded)."))

    model_config = ConfigDict(extra="forbid", populate_by_name=True, serialize_by_alias=True)


class Counterfactual(Out):
    """A minimal set of changes (at most three fields) that would raise the verdict,
    confirmed by re-running the rule engine on the changed proposal."""

    changes: list[Change]
    verdict: Verdict
    resolves: list[str] = Field(description="Fired rules the changes switch off.")
    lessons: list[str] = Field(description="Lessons the changes satisfy.")
    by_design: bool = Field(description="Whether every change is a design choice.")


class OptionAssessment(Out):
    """One menu option judged on its own (L5): evidence and a common measure."""

    name: str
    evidence_base: str | None
    evidence_based: bool | None
    common_measures: list[str] = Field(description="Its measures that every site collects.")
    measured: bool | None
    issues: list[str]
    lessons: list[str]


class AlternativeOut(Out):
    id: str
    title: str
    lessons: list[str]
    text: str


class RulesetRef(Out):
    version: str
    rules: list[str]


class VerdictRange(Out):
    """The best and the worst verdict reachable over every completion of the unknown
    answers (the same verdict twice when nothing unknown could change it)."""

    best: Verdict
    worst: Verdict


SearchState = Literal["complete", "cut at budget"]


class SearchStatus(Out):
    """Whether the bounded searches behind an evaluation ran to the end. Each is bounded by
    work counted (nodes judged), not by the clock, so the result is the same on any machine;
    a search cut at its budget says so here instead of silently returning less."""

    verdict_range: SearchState = Field(default="complete", description=(
        "The range search; when cut, the verdict is kept open (insufficient_information) "
        "rather than decided by a search cut short."))
    counterfactuals: SearchState = Field(default="complete", description=(
        "The search for what would raise the verdict; when cut, fewer changes may be "
        "offered."))
    counterfactual_nodes: int = Field(default=0, ge=0, description=(
        "Change sets the counterfactual search judged (its budget is fixed)."))


class Limit(Out):
    """What a verdict cannot claim, from the paper's own account of its limits."""

    text: str
    lines: str


COMPUTED = frozenset({"facts_to_establish", "commitments_to_require"})


class SourceQuote(Out):
    """An answer confirmed from the application document, with the sentence it came from."""

    field: str
    label: str = Field(description="The field's name in a funder's words.")
    answer: str = Field(description="The confirmed answer, in words.")
    quote: str = Field(description="The sentence of the application it came from.")
    where: str | None = Field(default=None, description="Its page or paragraph.")
    edited: bool = Field(default=False, description="Whether the officer changed the "
                                                    "suggested answer before confirming it.")


class Evaluation(Out):
    """A verdict on one proposal, with its reasons, evidence and conditions."""

    id: str
    title: str | None
    reference: str | None
    applicant: str | None = Field(default=None, description="The applicant organisation.")
    verdict: Verdict
    summary: str
    findings: list[Finding]
    undetermined: list[Undetermined]
    scores: dict[Dimension, DimensionScore]
    conditions: list[AwardCondition] = Field(description=(
        "Conditions of award: only for a conditional verdict."))
    if_resubmitted: list[AwardCondition] = Field(default_factory=list, description=(
        "For a not-recommended verdict: the design changes a resubmission would need, and the "
        "findings about the problem that only a different programme would clear."))
    why: list[str] = Field(default_factory=list, description=(
        "At most three sentences naming the findings that decide the verdict."))
    enrolment_requirements: list[EnrolmentRequirement]
    missing: list[MissingInfo] = Field(description=(
        "Every open question, facts and commitments together, most decisive first."))
    completeness: float = Field(ge=0, le=1, description=(
        "How complete the proposal is for judging: the share of the verdict-relevant rules "
        "(those that can lower the verdict) that its stated facts decide. It is not a "
        "measure of certainty about the verdict."))
    verdict_range: VerdictRange = Field(description=(
        "Best and worst verdicts over the completions of the open facts, with every open "
        "commitment taken as secured by its condition of award (so an open commitment lowers "
        "the worst case to conditional at most)."))
    limits: list[Limit] = Field(default_factory=list, description=(
        "What any verdict can and cannot claim (the paper's own limits)."))
    lesson_titles: dict[str, str] = Field(default_factory=dict, description=(
        "The short title of every lesson the evaluation cites, by id (L1-L35)."))
    ignored_fields: list[str] = Field(default_factory=list, description=(
        "Retired fields the proposal carried, accepted and ignored (no rule reads them)."))
    alternatives: list[AlternativeOut] = Field(description=(
        "The paper's alternatives, offered when the problem does not fit a clinical community."))
    counterfactuals: list[Counterfactual] = Field(default_factory=list)
    why_not: list[WhyNot] = Field(default_factory=list, description=(
        "Gate rules that did not fire, and any rule asked about, with the deciding terms."))
    options: list[OptionAssessment] = Field(default_factory=list, description=(
        "Each menu option judged on its own, when sites choose from a menu."))
    what_if: WhatIf | None = None
    quotations: list[SourceQuote] = Field(default_factory=list, description=(
        "For each answer confirmed from the application document (ccrules intake), the "
        "sentence it came from."))
    search: SearchStatus = Field(default_factory=SearchStatus)
    ruleset: RulesetRef
    created_at: str

    @model_validator(mode="before")
    @classmethod
    def _older(cls, data: Any) -> Any:
        """Evaluations stored before completeness and the verdict range existed still read:
        `confidence` was the same share under another name; their range is unknown, so it is
        taken as the verdict itself."""
        if isinstance(data, dict) and "confidence" in data and "completeness" not in data:
            data = {**data, "completeness": data["confidence"]}
            data.pop("confidence")
        if isinstance(data, dict) and "verdict_range" not in data and "verdict" in data:
            data = {**data, "verdict_range": {"best": data["verdict"], "worst": data["verdict"]}}
        if isinstance(data, dict) and COMPUTED & data.keys():  # written out, computed again
            data = {k: v for k, v in data.items() if k not in COMPUTED}
        return data

    @computed_field(description=(  # type: ignore[prop-decorator]
        "The open questions of fact (`missing` with kind 'fact'): to establish before the "
        "award; no condition can secure them."))
    @property
    def facts_to_establish(self) -> list[MissingInfo]:
        return [m for m in self.missing if m.kind == "fact"]

    @computed_field(description=(  # type: ignore[prop-decorator]
        "The open commitments (`missing` with kind 'commitment'): a funder can require each "
        "as a condition of award."))
    @property
    def commitments_to_require(self) -> list[MissingInfo]:
        return [m for m in self.missing if m.kind == "commitment"]

    def count(self, severity: str) -> int:
        """How many findings of this severity ('blocker', 'major', ...)."""
        return sum(f.severity.value == severity for f in self.findings)


class WhatIf(Out):
    """The same proposal with some answers changed, evaluated side by side."""

    changes: dict[str, Any]
    verdict: Verdict
    fired_added: list[str]
    fired_removed: list[str]
    evaluation: Evaluation


Evaluation.model_rebuild()
