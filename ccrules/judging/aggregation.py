"""How findings add up (the policy's aggregations), on stated findings only: all of some
rules firing, or major findings on at least so many fronts, each weakness counted once.
Both are ccrules' policy, not the paper's finding (docs/validity.md)."""

from __future__ import annotations

from ..rulebook.aggregations import Causes
from ..rulebook.model import Policy, Rule


def aggregations_met(policy: Policy, fired: list[Rule], causes: Causes) -> tuple[str, ...]:
    """The ids of the aggregations the fired findings meet (each kind's `met`: see
    rulebook/aggregations.py). `causes` gives, for fired rules, the stated answers that
    make each fire (findings sharing one are one weakness)."""
    return tuple(agg.id for agg in policy.aggregation if agg.met(policy, fired, causes))
