"""The audit store: evaluations with their proposals and ruleset snapshots, API tokens, and
reproducing a stored decision."""

from .database import Store

__all__ = ["Store"]
