"""The proposal: its model (what a funder needs to know), the catalogue of its fields, the
facts rules read, and reading it from JSON."""

from .model import Proposal
from .reading import parse_proposal, read_proposal

__all__ = ["Proposal", "parse_proposal", "read_proposal"]
