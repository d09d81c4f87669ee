"""The rules: their model, condition trees, loading and checking from YAML, and the
durable_rules engine that decides what fires."""

from .loader import Rulebook, load_rulebook

__all__ = ["Rulebook", "load_rulebook"]
