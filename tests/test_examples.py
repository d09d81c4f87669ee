"""The examples written from the paper: every stated value is traced to the paper's lines or
marked as assumed (examples/provenance.yaml), and a redesign changes the design, not the
problem."""

from __future__ import annotations

import re

import pytest
import yaml

from helpers import EXAMPLES, example

PROVENANCE = yaml.safe_load((EXAMPLES / "provenance.yaml").read_text())
SOURCE = re.compile(r"^(descriptive|assumed: .{10,}|redesign(, illustrative)?: .{5,}|.*P:\d+)")


def stated(data: dict, prefix: str = "") -> list[str]:
    """Every field a proposal states, by dotted path (a list counts as one field)."""
    out = []
    for key, value in data.items():
        if isinstance(value, dict):
            out += stated(value, f"{prefix}{key}.")
        else:
            out.append(prefix + key)
    return out


def entries(name: str) -> dict:
    own = dict(PROVENANCE[name])
    parent = own.pop("inherits", None)
    return {**(entries(parent) if parent else {}), **own}


@pytest.mark.parametrize("name", sorted(PROVENANCE))
def test_every_stated_field_has_a_source(name):
    sources = entries(name)
    missing = [f for f in stated(example(name)) if f not in sources]
    assert not missing, f"{name}: no provenance for {missing}"
    loose = [f for f in stated(example(name)) if not SOURCE.match(sources[f])]
    assert not loose, f"{name}: a source must give a paper line or say why: {loose}"


def test_the_two_paper_cases_are_covered():
    assert {"michigan-keystone", "ilcop"} <= set(PROVENANCE)
    for name in ("michigan-keystone", "ilcop"):
        assert "inherits" not in PROVENANCE[name]


def test_no_entry_names_a_field_the_example_does_not_state():
    for name in PROVENANCE:
        extra = set(PROVENANCE[name]) - set(stated(example(name))) - {"inherits"}
        assert not extra, (name, extra)


def test_redesigns_keep_the_problem():
    ilcop = example("ilcop")["problem"]
    for name in ("ilcop-redesigned", "ilcop-paper-alternative"):
        assert example(name)["problem"] == ilcop, name


def test_redesign_options_are_marked_illustrative():
    assert PROVENANCE["ilcop-paper-alternative"]["intervention.menu_options"].startswith(
        "redesign, illustrative")
