"""Hypothesis strategies that generate proposals from the field catalogue, with unknowns
and with numbers clustered around the thresholds the rules use."""

from __future__ import annotations

import os

from bench.generate import bounds, consistent
from hypothesis import strategies as st

from ccrules.proposal import kinds as K
from ccrules.proposal.fields import catalogue
from ccrules.rulebook.conditions import tested_values

MEASURES = ["m1", "m2", "m3", "local"]


def scaled(examples: int) -> int:
    """How many examples a property test draws: all of them, or a tenth under `make quick`."""
    return max(20, examples // 10) if os.environ.get("PYTEST_QUICK") == "1" else examples


def thresholds(rulebook) -> dict[str, list]:
    """Numbers on and around every threshold a rule compares a field with."""
    tested = tested_values(r.when for r in rulebook.rules)
    return {field: sorted({x for t in values["numbers"]
                           for x in (t, t + 1, max(0, t - 1), t + 0.5, max(0, t - 0.5))})
            for field, values in tested.items() if values["numbers"]}


def _value(info, cuts):
    kind = info.kind
    if kind is K.CHOICE:
        return st.sampled_from(info.values)
    if kind is K.YES_NO:
        return st.booleans()
    if kind is K.CHOICES:
        return st.lists(st.sampled_from(info.values), unique=True, max_size=len(info.values))
    if kind is K.NAMES:
        return st.lists(st.sampled_from(MEASURES), unique=True, max_size=4)
    if kind is K.MENU_OPTIONS:
        option = st.fixed_dictionaries({
            "name": st.sampled_from(["a", "b", "c"]),
            "evidence_base": st.none() | st.sampled_from(catalogue()[
                "problem.evidence_base"].values),
            "measures": st.none() | st.lists(st.sampled_from(MEASURES), max_size=2),
        })
        return st.lists(option, max_size=3)
    least, top = bounds()[info.path]  # what the model accepts
    ints = [c for c in cuts if float(c).is_integer() and least <= c <= top]
    if kind.whole:
        return st.sampled_from([int(c) for c in ints] or [int(least)]) | \
            st.integers(int(least), int(min(12, top)))
    near = st.sampled_from([min(max(c, least), top) for c in cuts]) if cuts else st.nothing()
    return near | st.floats(least, top, allow_nan=False, allow_infinity=False) | \
        st.floats(least, least + 1e-3)


def proposals(rulebook):
    """Raw proposal dicts: every field independently unknown (absent or null) or a value."""
    cuts = thresholds(rulebook)
    groups: dict[str, dict] = {}
    for path, info in catalogue().items():
        if path.startswith("derived.") or info.kind is K.TEXT:
            continue
        value = st.none() | _value(info, cuts.get(path, []))
        if path == "context.sites_eligible":
            value = st.none() | st.integers(0, 200)
        *parents, leaf = path.split(".")
        node = groups
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = value
    return _build(groups).map(consistent)




def _build(tree):
    if not isinstance(tree, dict):
        return tree
    return st.fixed_dictionaries({}, optional={k: _build(v) for k, v in tree.items()})


def merge(base: dict, top: dict) -> dict:
    out = dict(base)
    for key, value in top.items():
        out[key] = merge(out.get(key) or {}, value) if isinstance(value, dict) else value
    return out


def seeded_proposals(rulebook):
    """Random proposals, half of them overlaid with one rule's own example fragment, so that
    every rule is driven to its firing and non-firing edges with random context around it."""
    fragments = [frag for rule in rulebook.rules
                 for frag in (rule.examples.fires, rule.examples.does_not_fire)]
    overlaid = st.builds(merge, proposals(rulebook), st.sampled_from(fragments)).map(consistent)
    return st.one_of(proposals(rulebook), overlaid)
