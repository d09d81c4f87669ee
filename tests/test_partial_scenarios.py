"""The review's proposals with parts left unsaid (tests/scenarios/partial, copied from
../shared/scenarios/partial with its README): each row of the README's table as a test.
Open commitments become conditions of award; only open facts keep a verdict undecided."""

from __future__ import annotations

import copy
import json

import pytest

from ccrules.rulebook.model import Verdict
from ccrules.screening.evaluate import evaluate

from helpers import ROOT

PARTIAL = ROOT / "tests" / "scenarios" / "partial"
C, U, N, R = "conditional", "insufficient_information", "not_recommended", "recommended"
EXPECTED = {"s1": {C}, "s2": {C}, "s3": {C}, "s4": {C}, "s5": {C}, "s6": {C}, "s7": {C, U},
            "s8": {C}, "s9": {U}, "s10": {N}, "s11": {C, U}, "s12": {U}, "s13": {C},
            "s14": {C}, "p1": {U}, "p2": {C}, "p3": {C}, "p4": {C}, "p5": {C}}


def load(name: str) -> dict:
    return json.loads((PARTIAL / f"{name}.json").read_text())


def test_every_row_of_the_readme_is_tested():
    table = (PARTIAL / "README.md").read_text()
    rows = {line.split("|")[1].strip() for line in table.splitlines()
            if line.startswith("| ") and line.split("|")[1].strip()[:1] in ("s", "p")}
    assert rows == set(EXPECTED) == {p.stem for p in PARTIAL.glob("*.json")}


@pytest.mark.parametrize("name", sorted(EXPECTED, key=lambda n: (n[0], int(n[1:]))))
def test_the_verdict_the_review_expects(rulebook, name):
    ev = evaluate(load(name), rulebook)
    assert ev.verdict.value in EXPECTED[name], (name, ev.verdict.value, ev.summary)


def test_open_commitments_are_conditions_phrased_as_the_commitment(rulebook):
    for name in ("s1", "s2", "s5"):
        ev = evaluate(load(name), rulebook)
        commitments = [c for c in ev.conditions if c.kind == "commitment"]
        assert commitments, name
        for c in commitments:
            assert c.text.startswith("The proposal does not say, so the award is conditional "
                                     "on this commitment: "), c.text
            assert c.question  # the question to put
        assert not ev.facts_to_establish, name


def test_s2_enrolment_commitments_are_conditions(rulebook):
    ev = evaluate(load("s2"), rulebook)
    assert {"IM-05", "IM-06", "IM-08"} <= {c.rule_id for c in ev.conditions}
    assert all(m.kind == "commitment" for m in ev.missing)


def test_s4_context_answers_are_facts_apart_from_the_conditions(rulebook):
    ev = evaluate(load("s4"), rulebook)
    facts = {m.field for m in ev.facts_to_establish}
    assert facts and all(f.startswith("context.") for f in facts)
    questions = {c.question for c in ev.conditions}
    assert not questions & {m.question for m in ev.facts_to_establish}


def test_s6_contested_evidence_is_conditional_with_a_consensus_phase(rulebook):
    ev = evaluate(load("s6"), rulebook)
    assert {f.rule_id for f in ev.findings if f.severity.value != "strength"} >= {"PF-12"}
    assert "PF-04" not in {f.rule_id for f in ev.findings}
    pf12 = next(c for c in ev.conditions if c.rule_id == "PF-12")
    assert "consensus phase" in pf12.text and "before technical work starts" in pf12.text
    assert "evaluate the programme" in pf12.text


def test_s8_emerging_evidence_prints_a_condition_under_the_heading(rulebook):
    from ccrules.report.text import render_text
    ev = evaluate(load("s8"), rulebook)
    assert ev.conditions
    brief = render_text(ev, brief=True)
    after = brief.split("CONDITIONS OF AWARD", 1)[1]
    assert "the applicant must:" in after and "Agree the evidence" in after


def test_s9_and_s12_stay_open_on_a_problem_fact(rulebook):
    for name, field in (("s9", "problem.evidence_base"), ("s12", "problem.change_type")):
        ev = evaluate(load(name), rulebook)
        assert (ev.verdict_range.best.value, ev.verdict_range.worst.value) == (R, N), name
        assert field in {m.field for m in ev.facts_to_establish}
        assert "open facts, which no condition of award can secure" in ev.summary
    assert "whether a clinical community fits the problem" in evaluate(
        load("s9"), rulebook).summary


def test_s11_uniformity_is_a_fact_never_a_condition(rulebook):
    ev = evaluate(load("s11"), rulebook)
    assert (ev.verdict_range.best.value, ev.verdict_range.worst.value) == (R, C)
    assert [m.field for m in ev.facts_to_establish] == ["problem.setting_uniformity"]
    assert not ev.conditions


def test_s13_resource_commitment_a_condition_and_constraint_a_fact(rulebook):
    ev = evaluate(load("s13"), rulebook)
    kinds = {m.field: m.kind for m in ev.missing}
    assert kinds.get("enrolment.resource_commitments") == "commitment"
    assert kinds.get("context.resource_constraint", "fact") == "fact"
    assert "enrolment.resource_commitments" not in {m.field for m in ev.facts_to_establish}


def test_s14_a_menu_of_one_option_is_a_standardised_core(rulebook):
    data = load("s14")
    ev = evaluate(data, rulebook)
    assert not {"PF-01", "PF-10"} & {f.rule_id for f in ev.findings}
    none = copy.deepcopy(data)
    none["problem"]["evidence_base"] = "none"
    ev = evaluate(none, rulebook)
    assert ev.verdict.value == N and "PF-04" in {f.rule_id for f in ev.findings}


def test_p1_is_undecided_only_through_the_minimum_completeness(rulebook):
    ev = evaluate(load("p1"), rulebook)
    assert ev.completeness < rulebook.policy.min_completeness
    assert ev.verdict_range.worst.value != N  # no unstated answer reaches not recommended


def test_no_open_commitment_alone_makes_any_example_undecided(rulebook):
    """Each stated commitment of each example, left unsaid on its own, never makes the
    verdict undecided or not recommended: it becomes a condition of award (the verdict at
    most conditional). Only the minimum completeness could, and no single answer takes any
    decided example below it."""
    from ccrules.judging.judge import RANK
    from ccrules.proposal.fields import catalogue

    from helpers import EXAMPLES
    checked = 0
    for path in sorted(EXAMPLES.glob("*.json")):
        data = json.loads(path.read_text())
        before = evaluate(data, rulebook)
        if before.verdict.value == U:
            continue
        for field, info in catalogue().items():
            group, _, name = field.partition(".")
            section = data.get(group)
            if info.unknown != "commitment" or not name or "." in name \
                    or not isinstance(section, dict) or name not in section:
                continue
            draft = copy.deepcopy(data)
            del draft[group][name]
            after = evaluate(draft, rulebook)
            assert after.verdict.value != U, (path.stem, field)
            if before.verdict.value != N:
                assert RANK[after.verdict] >= RANK[Verdict.conditional], (path.stem, field)
            checked += 1
    assert checked > 150


def test_questions_that_do_not_apply_are_not_asked(rulebook):
    """The thin pharmacy draft states a standardised core: nothing about a menu's options
    is asked, and its open questions are split into facts and commitments."""
    from helpers import example
    ev = evaluate(example("community-pharmacy-thin"), rulebook)
    asked = {m.field for m in ev.missing}
    assert not {f for f in asked if "menu" in f}
    assert ev.facts_to_establish and ev.commitments_to_require
    assert {m.field for m in ev.facts_to_establish} | {
        m.field for m in ev.commitments_to_require} == asked
    assert ev.verdict_range.worst.value != N  # no unstated answer reaches not recommended
