"""Aggregations are types (ccrules/rulebook/aggregations.py): a new kind of aggregation is
one class, read by the loader from a policy that gives its keys, refused at its line when an
entry gives no kind's keys, and it costs the searches no more than twice the work (nodes
counted, not time) on any example."""

from __future__ import annotations

from typing import ClassVar

import pytest
import yaml
from pydantic import Field

from ccrules.errors import RuleError
from ccrules.explaining.counterfactuals import BUDGET
from ccrules.rulebook import aggregations as A
from ccrules.rulebook import load_rulebook
from ccrules.screening.evaluate import evaluate

from helpers import example, example_names


class SomeOf(A.Aggregation):
    """At least `some` of the rules in `any_of` fire (a fixture kind)."""

    keys: ClassVar[tuple[str, ...]] = ("any_of", "some")
    any_of: list[str] = Field(min_length=1)
    some: int = Field(ge=1)

    def met(self, policy, fired, causes):
        return len({r.id for r in fired} & set(self.any_of)) >= self.some

    def obstacles(self, policy, fired):
        return [(r,) for r in fired if r.id in self.any_of]

    def names(self):
        return list(self.any_of)

    def describe(self):
        return f"at least {self.some} of {', '.join(self.any_of)} fire"


@pytest.fixture
def some_of():
    A.register(SomeOf)
    yield SomeOf
    A.KINDS.remove(SomeOf)


def _with_aggregation(rules_copy, entry: dict):
    path = rules_copy / "policy.yaml"
    doc = yaml.safe_load(path.read_text())
    doc["policy"]["aggregation"].append(entry)
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return rules_copy


def _target(rulebook):
    """An example with a conditional verdict from two or more major findings."""
    for name in example_names():
        ev = evaluate(example(name), rulebook)
        majors = [f.rule_id for f in ev.findings if f.severity.value == "major"]
        if ev.verdict.value == "conditional" and len(majors) >= 2:
            return name, majors[:2]
    raise AssertionError("no example has two major findings and a conditional verdict")


def test_a_new_kind_of_aggregation_is_read_and_adds_findings_up(rulebook, rules_copy, some_of):
    name, majors = _target(rulebook)
    entry = {"id": "two_majors", "title": "Two named majors together", "any_of": majors,
             "some": 2, "basis": "funder", "lines": "P:722-725",
             "why": "A fixture: two named major findings together make a design not "
                    "recommended."}
    changed = load_rulebook(_with_aggregation(rules_copy, entry))
    agg = next(a for a in changed.policy.aggregation if a.id == "two_majors")
    assert isinstance(agg, SomeOf) and agg.describe().startswith("at least 2 of")
    before, after = evaluate(example(name), rulebook), evaluate(example(name), changed)
    assert before.verdict.value == "conditional"
    assert after.verdict.value == "not_recommended", name
    moved = 0
    for other in example_names():
        was, now = evaluate(example(other), rulebook), evaluate(example(other), changed)
        assert now.search.counterfactuals == "complete", other
        if now.verdict != was.verdict:  # a new verdict asks a new question of the search
            moved += 1
            assert now.search.counterfactual_nodes <= BUDGET, other
            continue
        assert now.search.counterfactual_nodes <= 2 * max(was.search.counterfactual_nodes, 1), \
            (other, was.search.counterfactual_nodes, now.search.counterfactual_nodes)
        assert now.search == was.search, other
    assert 1 <= moved < len(example_names())

def test_an_entry_of_no_known_kind_is_refused_at_its_line(rules_copy, some_of):
    entry = {"id": "odd", "title": "Neither kind", "some": 2, "basis": "funder",
             "lines": "P:722-725", "why": "A fixture that names no kind's keys at all."}
    with pytest.raises(RuleError) as err:
        load_rulebook(_with_aggregation(rules_copy, entry))
    problems = [p for p in err.value.problems if "aggregation" in p.msg]
    assert len(problems) == 1 and "of no known kind" in problems[0].msg
    assert "SomeOf (any_of with some)" in problems[0].msg and problems[0].line
