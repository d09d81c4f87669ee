"""The panel's decision beside the screener's verdict: what a funder's panel decided, which
of the evaluation's findings and conditions of award it accepted or set aside (with a reason
for each one set aside), and how a decision is compared with a verdict.

A verdict and a decision agree when they say the same thing in their own terms:

    recommended              ~ funded
    conditional              ~ funded_with_conditions
    not_recommended          ~ declined
    insufficient_information ~ deferred

They agree in part when they point the same way without matching: both fund (recommended
with funded_with_conditions, or conditional with funded). Every other pair disagrees.
The agreement rate counts full agreement only; partial agreement is counted and shown on
its own, never as half an agreement."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from ..errors import ErrorItem, InputError, validation_errors
from ..proposal.words import count
from ..rulebook.model import Verdict

MAX_SET_ASIDE = 200  # items one decision may set aside
MAX_REASON = 2000
MAX_NOTE = 4000
MAX_NAME = 200


class Decision(StrEnum):
    funded = "funded"
    funded_with_conditions = "funded_with_conditions"
    declined = "declined"
    deferred = "deferred"


DECISION_WORDS = {Decision.funded: "funded",
                  Decision.funded_with_conditions: "funded with conditions",
                  Decision.declined: "declined", Decision.deferred: "deferred"}

# The decision that says what each verdict says.
MATCHING: dict[Verdict, Decision] = {
    Verdict.recommended: Decision.funded,
    Verdict.conditional: Decision.funded_with_conditions,
    Verdict.not_recommended: Decision.declined,
    Verdict.insufficient_information: Decision.deferred,
}
_FUNDS = {Verdict.recommended, Verdict.conditional, Decision.funded,
          Decision.funded_with_conditions}

Agreement = Literal["agree", "partly", "disagree"]
AGREEMENT_SCORE: dict[str, int] = {"agree": 2, "partly": 1, "disagree": 0}


def agreement(verdict: Verdict | str, decision: Decision | str) -> Agreement:
    """'agree' for the matching pair, 'partly' when both fund without matching, else
    'disagree'."""
    verdict, decision = Verdict(verdict), Decision(decision)
    if MATCHING[verdict] == decision:
        return "agree"
    if verdict in _FUNDS and decision in _FUNDS:
        return "partly"
    return "disagree"


def goes_against(verdict: Verdict | str, decision: Decision | str) -> bool:
    """Whether a decision goes against the verdict, and so needs the panel's reason: it
    funds what the screener did not recommend funding (not recommended, insufficient
    information), or declines what it recommended funding (recommended, conditional).
    Deferring never does."""
    verdict, decision = Verdict(verdict), Decision(decision)
    if decision is Decision.declined:
        return verdict in _FUNDS
    return decision in _FUNDS and verdict not in _FUNDS


class DecisionError(InputError):
    """A decision that cannot be recorded as given (nothing is stored)."""

    title = "Invalid decision"
    status = 422


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SetAside(_Strict):
    """One finding or condition of award the panel set aside, and why."""

    rule_id: str = Field(min_length=1, max_length=40, description=(
        "The rule id of the finding or condition, e.g. CO-07."))
    reason: str = Field(max_length=MAX_REASON, description=(
        "Why the panel set it aside (required)."))
    applies_to: Literal["finding", "condition", "both"] = Field(default="both", description=(
        "Set aside the finding, its condition of award, or both (whichever the evaluation "
        "has under this rule id)."))

    @field_validator("rule_id")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.strip().upper()

    @field_validator("reason")
    @classmethod
    def _reason(cls, value: str) -> str:
        value = " ".join(value.split())
        if not value:
            raise PydanticCustomError("reason_required",
                                      "a reason is required for every item set aside")
        return value


class DecisionInput(_Strict):
    """The panel's decision on one evaluation: every finding and condition not set aside
    is accepted."""

    decision: Decision
    set_aside: list[SetAside] = Field(default_factory=list, max_length=MAX_SET_ASIDE,
                                      description="Findings and conditions set aside.")
    accept_all: bool = Field(default=False, description=(
        "Accept every finding and condition. Required when nothing is set aside and the "
        "evaluation has findings or conditions, so that accepting them all is a stated "
        "choice; not allowed with items set aside."))
    note: str | None = Field(default=None, max_length=MAX_NOTE,
                             description="The panel's note, in its own words.")
    reason: str | None = Field(default=None, max_length=MAX_REASON, description=(
        "Why the panel decided against the verdict: required when it funds a proposal the "
        "verdict does not (not recommended, insufficient information) or declines one it "
        "does (recommended, conditional)."))
    decided_by: str = Field(min_length=1, max_length=MAX_NAME, description=(
        "The person recording the decision, by name (free text until sign-in by name "
        "exists)."))

    @field_validator("reason", "decided_by")
    @classmethod
    def _words(cls, value: str | None, info: Any) -> str | None:
        value = " ".join(value.split()) if value is not None else None
        if info.field_name == "decided_by" and not value:
            raise PydanticCustomError("name_required",
                                      "say who records the decision, by name")
        return value or None

    @classmethod
    def checked(cls, data: Any) -> DecisionInput:
        """From data; every fault is a DecisionError naming it."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            items = validation_errors(exc)  # no proposal in it
            raise DecisionError(f"The decision has {count(len(items), 'fault')}.", items) from None


class FindingReview(_Strict):
    rule_id: str
    title: str
    severity: str
    accepted: bool
    reason: str | None = Field(description="Why it was set aside (null when accepted).")


class ConditionReview(_Strict):
    rule_id: str
    kind: str = Field(description="'finding' or 'confirm', as in the evaluation.")
    accepted: bool
    reason: str | None = Field(description="Why it was set aside (null when accepted).")


class DecidedBy(_Strict):
    id: str | None = Field(description="The API token's id (null: recorded from the command "
                                       "line without a token).")
    name: str = Field(description="The person who recorded it, as they gave their name.")


class DecisionRecord(_Strict):
    """A recorded decision. Decisions are never changed: a later one supersedes it."""

    id: str
    evaluation_id: str
    verdict: Verdict = Field(description="The screener's verdict on the evaluation.")
    decision: Decision
    agreement: Agreement = Field(description=(
        "'agree' (the matching pair), 'partly' (both fund) or 'disagree'."))
    findings: list[FindingReview]
    conditions: list[ConditionReview]
    note: str | None
    reason: str | None = Field(description="Why the panel decided against the verdict "
                                           "(required then; null otherwise, if not given).")
    decided_by: DecidedBy
    decided_at: str
    current: bool = Field(description="Whether this is the evaluation's current decision.")


def review(evaluation: Mapping[str, Any], given: DecisionInput
           ) -> tuple[list[FindingReview], list[ConditionReview]]:
    """Every finding and condition of the evaluation (its stored result), accepted or set
    aside as `given` says. DecisionError if an item set aside is not in the evaluation, is
    set aside twice, or the choice is not stated."""
    findings = {f["rule_id"]: f for f in evaluation.get("findings", [])}
    conditions = {c["rule_id"]: c for c in evaluation.get("conditions", [])}
    reasons: dict[tuple[str, str], str] = {}
    faults: list[ErrorItem] = []
    for i, item in enumerate(given.set_aside):
        kinds = [k for k, known in (("finding", findings), ("condition", conditions))
                 if item.applies_to in (k, "both") and item.rule_id in known]
        if not kinds:
            faults.append(ErrorItem(("set_aside", i, "rule_id"),
                                    _absent(item, findings, conditions)))
        elif any((k, item.rule_id) in reasons for k in kinds):
            faults.append(ErrorItem(("set_aside", i), f"{item.rule_id} is set aside twice"))
        reasons.update({(k, item.rule_id): item.reason for k in kinds})
    if given.set_aside and given.accept_all:
        faults.append(ErrorItem(("accept_all",), "cannot accept all while setting items "
                                                 "aside"))
    if not given.set_aside and not given.accept_all and (findings or conditions):
        faults.append(ErrorItem(("set_aside",), "say which findings or conditions the panel "
                                                "set aside, or accept them all"))
    verdict = evaluation.get("verdict")
    if verdict in set(Verdict) and not given.reason and goes_against(verdict, given.decision):
        faults.append(ErrorItem(("reason",), (
            f"{DECISION_WORDS[given.decision]} goes against the verdict "
            f"({Verdict(verdict).words}): give the panel's reason")))
    if faults:
        raise DecisionError(f"The decision has {count(len(faults), 'fault')}; nothing was stored.",
                            faults)
    return ([FindingReview(rule_id=r, title=f.get("title", ""), severity=f.get("severity", ""),
                           accepted=("finding", r) not in reasons,
                           reason=reasons.get(("finding", r))) for r, f in findings.items()],
            [ConditionReview(rule_id=r, kind=c.get("kind", "finding"),
                             accepted=("condition", r) not in reasons,
                             reason=reasons.get(("condition", r)))
             for r, c in conditions.items()])


def _absent(item: SetAside, findings: Mapping[str, Any], conditions: Mapping[str, Any]) -> str:
    what = {"finding": "a finding", "condition": "a condition of award",
            "both": "a finding or a condition of award"}[item.applies_to]
    known = sorted(set(findings) | set(conditions)) if item.applies_to == "both" else \
        sorted(findings if item.applies_to == "finding" else conditions)
    listed = ", ".join(known) if known else "none"
    return f"{item.rule_id} is not {what} of this evaluation (it has: {listed})"
