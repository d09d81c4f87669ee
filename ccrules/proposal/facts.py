"""Flatten a Proposal into facts: one value per catalogue path, None where unknown."""

from __future__ import annotations

from functools import cache
from typing import Any

from .fields import catalogue
from .model import Proposal

EVIDENCED = {"strong", "emerging"}
DECIMALS = 4  # facts carry numbers to 4 decimal places, so both evaluators see the same value


def _number(value: Any) -> Any:
    """Round floats so that JSON writes them without an exponent (the rule engine's JSON
    reader fails on 5e-324 and the like)."""
    if isinstance(value, float):
        value = round(value, DECIMALS)
        return 0.0 if value == 0 else value
    return value


@cache
def _paths() -> tuple[tuple[str, tuple[str, ...], bool], ...]:
    """(path, its keys, whether a list becomes a tuple) for every input field, once."""
    return tuple((path, tuple(path.split(".")), info.kind.as_tuple)
                 for path, info in catalogue().items() if not path.startswith("derived."))


def flatten(proposal: Proposal) -> dict[str, Any]:
    """Return {path: value} for every catalogue field; lists become tuples, unknown is None."""
    data = proposal.model_dump()
    facts: dict[str, Any] = {}
    for path, keys, to_tuple in _paths():
        value: Any = data
        for key in keys:
            value = value.get(key) if value is not None else None
        if value.__class__ is list and to_tuple:
            value = tuple(value)
        elif value.__class__ is float:
            value = _number(value)
        facts[path] = value
    facts.update(derive(facts))
    return facts


def derive(f: dict[str, Any]) -> dict[str, Any]:
    """The derived fields (see fields.DERIVED), each unknown when its inputs are."""
    coverage = f["context.coverage_pct"]
    eligible, enrolled = f["context.sites_eligible"], f["context.sites_enrolled"]
    if coverage is None and eligible and enrolled is not None:
        coverage = _number(min(100.0, 100.0 * enrolled / eligible))

    named = f["intervention.core_elements"]
    core_count = len(named) if named is not None else f["intervention.core_element_count"]

    options = f["intervention.menu_options"]
    common = f["measurement.common_measures"]
    checks = [option_checks(o.get("evidence_base"), o.get("measures"), common)
              for o in options or ()]
    return {
        "derived.coverage_pct": coverage,
        "derived.core_element_count": core_count,
        "derived.menu_option_count": None if options is None else len(options),
        "derived.menu_options_evidence_based": _all(e for e, _ in checks) if checks else None,
        "derived.menu_options_measured": _all(m for _, m in checks) if checks else None,
    }


def option_checks(evidence_base: str | None, measures: Any,
                  common: Any) -> tuple[bool | None, bool | None]:
    """One menu option judged on its own: (has strong or emerging evidence, is tracked by a
    measure every site collects); None where the answer depends on something unknown."""
    evidenced = None if evidence_base is None else evidence_base in EVIDENCED
    measured = None if measures is None or common is None else bool(set(measures) & set(common))
    return evidenced, measured


def _all(values: Any) -> bool | None:
    """Three-valued 'all': False if any is False, else unknown if any is unknown."""
    seen = list(values)
    if False in seen:
        return False
    return None if None in seen else True
