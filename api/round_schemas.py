"""Request and response models of the API's rounds and applications (in the OpenAPI
document beside those of api/schemas.py)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from ccrules.proposal.diff import Change
from ccrules.rulebook.model import Verdict
from ccrules.store.rounds import RoundInput


class RoundRequest(RoundInput):
    """A new round: a named cohort of applications with an opening and a closing date."""


class RoundOut(BaseModel):
    id: str
    name: str
    opens: str
    closes: str
    owner: str | None = Field(description="The token that made it (null: the command line).")
    created_at: str
    closed_at: str | None
    open: bool = Field(description="Whether it still takes applications.")
    applications: int = Field(description="Applications in it.")
    counts: dict[str, int] | None = Field(default=None, description=(
        "Verdicts of the current version of each application in it (one round only)."))


class RoundList(BaseModel):
    rounds: list[RoundOut]


class JoinRequest(BaseModel):
    """The round an application joins (null: none)."""

    model_config = ConfigDict(extra="forbid")
    round: str | None = Field(description="The round's id, or null to leave any round.")


class VersionOut(BaseModel):
    id: str = Field(description="The evaluation's id.")
    created_at: str
    verdict: Verdict
    title: str | None
    reference: str | None
    version: int = Field(description="The proposal's version (a re-evaluation of an "
                                     "unchanged proposal keeps its version).")
    replaces: str | None = Field(description="The evaluation this one replaced.")
    changed_by: str | None = Field(description="Who made it (the token's name, or the "
                                               "login at the command line).")
    current: bool
    best: Verdict | None = None
    worst: Verdict | None = None
    completeness: float | None = None
    blockers: int | None = None
    majors: int | None = None


class DecisionLine(BaseModel):
    evaluation_id: str
    decision: str
    reason: str | None
    decided_by: str
    decided_at: str


class ApplicationOut(BaseModel):
    """An application: its reference, its round, and its history in order."""

    id: str
    reference: str
    reference_assigned: bool = Field(description="Whether ccrules assigned the reference "
                                                 "(the proposal had none).")
    round: str | None
    created_at: str
    versions: int
    evaluations: list[VersionOut] = Field(description="Oldest first; the last is current.")
    decisions: list[DecisionLine] = Field(description="Every decision on any of its "
                                                      "evaluations, in order.")


class ChangesOut(BaseModel):
    """What changed in an evaluation's proposal since the one it replaced."""

    evaluation_id: str
    application_id: str | None
    version: int | None
    against: str | None = Field(description="The earlier evaluation compared with (null: "
                                            "the first version, every answer is new).")
    changed_by: str | None
    changes: list[Change]
