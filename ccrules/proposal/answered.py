"""The one refusal rule every way in applies (the API, the command line, the form, sheet
and file uploads): a proposal that answers nothing a rule can read (a title and a summary
alone) is refused, and nothing is stored."""

from __future__ import annotations

from typing import Any

from ..errors import ProposalError
from .groups import IDENTITY  # what describes a proposal without answering any question

EMPTY = ("The proposal is empty: give at least one answer (a title and a summary alone are "
         "not enough to judge). Nothing was stored.")


class EmptyProposal(ProposalError):
    """A proposal with no answer a rule can read."""


def has_answers(data: Any) -> bool:
    """Whether proposal data (a dict, or a Proposal as it was given) answers at least one
    question a rule can read (an empty list is an answer: 'none')."""
    if hasattr(data, "model_dump"):
        data = data.model_dump(mode="json", exclude_unset=True, exclude_none=True)
    if not isinstance(data, dict):
        return True  # not a proposal at all: validation names the fault

    def answered(value: Any) -> bool:
        if isinstance(value, dict):
            return any(answered(v) for v in value.values())
        return value is not None and value != ""
    return any(answered(value) for key, value in data.items() if key not in IDENTITY)


def require_answers(data: Any) -> None:
    """EmptyProposal (422) unless `data` answers something."""
    if not has_answers(data):
        raise EmptyProposal(EMPTY)
