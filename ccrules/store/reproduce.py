"""Reproduce a stored decision: re-evaluate a stored proposal under the ruleset it was first
judged by (rebuilt from the store's snapshot), or under another rulebook."""

from __future__ import annotations

from dataclasses import dataclass

from ..judging.result import Evaluation
from ..rulebook.loader import Rulebook
from ..screening.evaluate import evaluate
from .database import Store


@dataclass(frozen=True)
class Reevaluation:
    original: dict
    again: Evaluation

    @property
    def same_verdict(self) -> bool:
        return self.original["verdict"] == self.again.verdict.value

    @property
    def same_findings(self) -> bool:
        return [f["rule_id"] for f in self.original["findings"]] == [
            f.rule_id for f in self.again.findings]


def reevaluate(store: Store, evaluation_id: str, rulebook: Rulebook | None = None,
               owner: str | None = None) -> Reevaluation:
    """Evaluate a stored proposal again: under its original ruleset unless one is given."""
    proposal, version = store.proposal(evaluation_id, owner=owner)
    original = store.get(evaluation_id, owner=owner)
    return Reevaluation(original, evaluate(proposal, rulebook or store.ruleset(version)))
