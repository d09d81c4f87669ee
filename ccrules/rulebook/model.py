"""What a rule and the verdict policy are, as pydantic models (the YAML files' schema)."""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

LESSON_RANGE = range(1, 36)
RULE_ID = r"^[A-Z]{2,4}-S?\d{1,2}$"


class Severity(StrEnum):
    blocker = "blocker"
    major = "major"
    minor = "minor"
    strength = "strength"


SEVERITY_ORDER = {Severity.blocker: 0, Severity.major: 1, Severity.minor: 2, Severity.strength: 3}


class Dimension(StrEnum):
    problem_fit = "problem_fit"
    mobilisation = "mobilisation"
    community = "community"
    implementation = "implementation"
    measurement = "measurement"
    context = "context"
    balance = "balance"


class Verdict(StrEnum):
    recommended = "recommended"
    conditional = "conditional"
    not_recommended = "not_recommended"
    insufficient_information = "insufficient_information"

    @property
    def words(self) -> str:
        """The verdict as a reader writes it: 'not recommended'."""
        return self.value.replace("_", " ")

    @staticmethod
    def span(best: Verdict, worst: Verdict) -> str:
        """A verdict range in words: 'conditional' when settled, 'recommended to not
        recommended' when open (the one wording of a range)."""
        return best.words if best == worst else f"{best.words} to {worst.words}"

    @property
    def rank(self) -> int | None:
        """How the verdict ranks, worst first: not_recommended 0, conditional 1, recommended
        2; None for insufficient_information, which sits outside the order."""
        return _RANKS.get(self.value)

    @classmethod
    def best_first(cls) -> tuple[Verdict, ...]:
        """The order verdicts are listed in (counts, tables): best first, undecided last."""
        return (cls.recommended, cls.conditional, cls.not_recommended,
                cls.insufficient_information)


_RANKS = {"not_recommended": 0, "conditional": 1, "recommended": 2}


Lessons = Annotated[list[str], Field(min_length=1), AfterValidator(lambda v: check_lessons(v))]
# A condition tree, parsed and checked by conditions.parse before the model is built.
Condition = Any


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)


class Examples(Strict):
    fires: dict[str, Any] = Field(description="A proposal fragment for which the rule fires.")
    does_not_fire: dict[str, Any] = Field(
        description="A proposal fragment for which the rule is known not to fire.")


def check_lessons(lessons: list[str]) -> list[str]:
    for lesson in lessons:
        m = re.fullmatch(r"L(\d+)", lesson)
        if not m or int(m.group(1)) not in LESSON_RANGE:
            raise ValueError(f"{lesson!r} is not a lesson id (L1 to L35)")
    if len(set(lessons)) != len(lessons):
        raise ValueError("a lesson is listed twice")
    return lessons


class Lesson(Strict):
    """One of the paper's recommendations (L1-L35), in ccrules' own words."""

    title: str = Field(min_length=3, max_length=60)
    text: str = Field(min_length=20, description="A one-sentence paraphrase.")
    section: str = Field(pattern=r"§\s?\d")
    lines: str = Field(pattern=r"^P:\d")


class Rule(Strict):
    """One lesson-aspect of the paper, as a testable condition on a proposal."""

    id: str = Field(pattern=RULE_ID, description="Stable id, e.g. PF-01.")
    title: str = Field(min_length=3, max_length=120)
    dimension: Dimension
    severity: Severity
    lessons: Lessons = Field(description="The lessons (L1-L35) it encodes.")
    when: Condition = Field(description="The condition tree under which the rule fires.")
    message: str = Field(min_length=10, description="What the finding says about the proposal.")
    rationale: str = Field(min_length=20, description="The paper's evidence, paraphrased.")
    recommendation: str = Field(min_length=10, description="What the applicant should do.")
    condition: bool = Field(default=False, description=(
        "For a problem-fit finding: its recommendation is a condition of award when the "
        "verdict is conditional (see FitFinding.condition)."))
    citation: str = Field(pattern=r"§\s?\d", description="The paper's section(s), e.g. '§2.6'.")
    lines: str = Field(pattern=r"^P:\d", description=(
        "The paper's lines the rule rests on, e.g. 'P:558-570; P:744-751'."))
    examples: Examples
    line: int | None = Field(default=None, exclude=True)
    file: str | None = Field(default=None, exclude=True)


class Gate(Strict):
    dimensions: list[Dimension]
    severities: list[Severity]


class Parameter(Strict):
    """A figure the rules use. Most are the funder's policy (the paper gives no number);
    `source` says whose it is, and `note` what the paper does say."""

    value: float
    unit: str
    source: str = Field(pattern=r"^(funder|paper)$")
    note: str = Field(min_length=10)

    def shown(self) -> str:
        number = f"{self.value:g}"
        return f"{number} {self.unit}" if self.unit else number


class Design(Strict):
    """A kind of design the problem-fit table distinguishes, as a condition on the
    proposal, with a proposal fragment that has it (for the generated rules' examples)."""

    label: str
    when: Condition
    example: dict[str, Any]


class FitFinding(Strict):
    """One finding a row of the problem-fit table produces: a rule of the problem_fit
    dimension, a blocker when the best verdict is not_recommended, a major when conditional."""

    id: str = Field(pattern=RULE_ID)
    designs: list[str] = Field(min_length=1, description="The designs it applies to, or 'all'.")
    best: Verdict
    title: str = Field(min_length=3, max_length=120)
    message: str = Field(min_length=10)
    recommendation: str | None = None
    condition: bool = Field(default=False, description=(
        "Whether the recommendation is asked of the applicant as a condition of award when "
        "the verdict is conditional (a cap that comes with design levers), though the finding "
        "is about the problem itself."))


class FitRow(Strict):
    """A kind of problem, ccrules' cap on the verdict a clinical community can reach for it
    with each design, and where the paper says so."""

    kind: str
    when: Condition | None = Field(default=None, description="None: every problem.")
    lessons: Lessons
    citation: str = Field(pattern=r"§\s?\d")
    lines: str = Field(pattern=r"^P:\d")
    basis: str = Field(pattern=r"^(paper|interpretation)$")
    rationale: str = Field(min_length=20)
    recommendation: str = Field(min_length=10)
    examples: Examples
    findings: list[FitFinding] = Field(min_length=1)


class ProblemFit(Strict):
    designs: dict[str, Design]
    rows: list[FitRow]


# Reads an entry of `aggregation` as its kind; aggregations.py (one class per kind, built on
# this module) puts its reader here when imported.
AGGREGATION_READER: list[Callable[[Any], Any]] = []


def _aggregations(entries: Any) -> Any:
    if not isinstance(entries, list) or not AGGREGATION_READER:
        return entries
    return [AGGREGATION_READER[0](e) for e in entries]


class Limit(Strict):
    """One thing a verdict cannot claim, from the paper's own account of its limits."""

    text: str
    lines: str


class Alternative(Strict):
    id: str
    title: str
    lessons: Lessons
    text: str


class ConditionGroup(Strict):
    """Findings whose conditions ask for the same kind of change: a report states the
    heading once and each finding's action under it."""

    id: str
    heading: str = Field(min_length=5)
    rules: list[str] = Field(min_length=1)


class Requirement(Strict):
    """A minimum commitment a funder might ask of every site before it enrols (ccrules' list of
    what the paper says a design "might include", P:744-751)."""

    id: str
    requirement: str
    lessons: Lessons
    met_when: Condition
    ask: str = Field(description="What the funder should require when the design lacks it.")


class DimensionInfo(Strict):
    title: str
    description: str


class Policy(Strict):
    """How findings become a verdict, as data: severity to verdict, the problem-fit table and
    gate, how findings add up, the minimum completeness, the funder's parameters, the
    paper's alternatives, the enrolment requirements and the limits of any verdict."""

    severity_verdicts: dict[Severity, Verdict]
    gate: Gate
    min_completeness: float = Field(ge=0, le=1)
    parameters: dict[str, Parameter]
    problem_fit: ProblemFit
    aggregation: Annotated[list[Any], BeforeValidator(_aggregations)]  # aggregations.py
    dimensions: dict[Dimension, DimensionInfo]
    alternatives: list[Alternative]
    enrolment_requirements: list[Requirement]
    limits: list[Limit]
    condition_groups: list[ConditionGroup] = Field(default_factory=list)

    def group_of(self, rule_id: str) -> ConditionGroup | None:
        return next((g for g in self.condition_groups if rule_id in g.rules), None)

    def is_gate(self, rule: Rule) -> bool:
        return rule.dimension in self.gate.dimensions and rule.severity in self.gate.severities
