"""What-if: the same proposal with some answers changed, evaluated side by side."""

from __future__ import annotations

import copy
import json
from typing import Any, Iterable

from ..errors import ErrorItem, ProposalError
from ..judging.result import Evaluation, WhatIf
from ..proposal.fields import catalogue
from ..proposal.model import Proposal
from ..proposal.reading import put_answer
from ..rulebook.loader import Rulebook
from ..suggestions import suggest
from .evaluate import evaluate


def parse_assignments(items: Iterable[str]) -> dict[str, Any]:
    """`field.path=value` strings (as on the command line) to changes; a value that reads as
    JSON is taken as JSON (numbers, true/false, null, lists), anything else as text."""
    changes: dict[str, Any] = {}
    for item in items:
        path, sep, text = item.partition("=")
        if not sep or not path.strip():
            raise ProposalError(f"--set needs field.path=value, got {item!r}")
        try:
            changes[path.strip()] = json.loads(text)
        except json.JSONDecodeError:
            changes[path.strip()] = text
    return changes


def apply_changes(proposal: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """A copy of raw proposal data with answers replaced, by dotted field path."""
    fields = {p for p in catalogue() if not p.startswith("derived.")}
    bad = [ErrorItem(("what_if", path), f"not a proposal field{suggest(path, fields)}")
           for path in changes if path not in fields]
    if bad:
        raise ProposalError("A what-if change names an unknown field.", bad)
    data = copy.deepcopy(proposal)
    for path, value in changes.items():
        put_answer(data, path, value)
    return data


def evaluate_with_what_if(proposal: dict[str, Any] | Proposal, changes: dict[str, Any],
                          rulebook: Rulebook, why_not: Iterable[str] = ()) -> Evaluation:
    """The proposal's evaluation, carrying in `what_if` the evaluation with the changes."""
    raw = proposal.model_dump(mode="json", exclude_none=True) if isinstance(
        proposal, Proposal) else proposal
    original = evaluate(raw, rulebook, why_not)
    changed_raw = apply_changes(raw, changes)
    try:
        changed = evaluate(changed_raw, rulebook, why_not)
    except ProposalError as exc:
        raise ProposalError("The what-if changes do not make a valid proposal.",
                            [ErrorItem(("what_if", *e.loc), e.msg) for e in exc.errors]
                            ) from None
    before = [f.rule_id for f in original.findings]
    after = [f.rule_id for f in changed.findings]
    return original.model_copy(update={"what_if": WhatIf(
        changes=changes, verdict=changed.verdict,
        fired_added=[r for r in after if r not in before],
        fired_removed=[r for r in before if r not in after],
        evaluation=changed)})
