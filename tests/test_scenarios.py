"""The verdicts the paper's authors would sign, on the review's scenarios and the paper's two
cases, each checked for the rules that decide it (tests/scenarios/README.md)."""

from __future__ import annotations

import json

import pytest

from ccrules.judging.policy import about_problem
from ccrules.screening.evaluate import evaluate

from helpers import ROOT, example

SCENARIOS = ROOT / "tests" / "scenarios"
EXPECTED = {
    # the problem section left blank: problem facts are gate facts
    "t_problem_unknown": {"insufficient_information"},
    # Keystone's design where there is no clear evidence: no standard package wins consensus
    "t_noevidence_std": {"not_recommended"},
    # Keystone's design on an ILCOP-type problem, structural change on top
    "t_worstproblem_std": {"not_recommended"},
    # organisation-wide: not a bounded problem
    "orgwide": {"not_recommended"},
    # ILCOP relabelled as a menu, with no options listed: still local design
    "ilcop_menu_label": {"not_recommended"},
    # ILCOP with the paper's alternative: the tentative compromise, on conditions
    "ilcop_alt_only": {"conditional"},
    # the same with options lacking evidence: the paper does not ask evidence per option
    "ilcop_alt_noev": {"conditional"},
    # Keystone's design with enrolment, community, measurement and context unknown
    "t_half2": {"conditional", "insufficient_information"},
}


def scenario(name: str) -> dict:
    return json.loads((SCENARIOS / f"{name}.json").read_text())


def test_every_scenario_has_an_expectation():
    assert {p.stem for p in SCENARIOS.glob("*.json")} >= set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_scenario_verdicts(rulebook, name):
    ev = evaluate(scenario(name), rulebook)
    assert ev.verdict.value in EXPECTED[name], ev.summary


def deciding(ev) -> set[str]:
    return {f.rule_id for f in ev.findings if f.severity.value == "blocker"}


def test_unsuitable_problems_are_decided_by_the_problem_rows(rulebook):
    """Not by a declared design: the rules that decide are about the problem itself."""
    expected = {"t_noevidence_std": {"PF-04"}, "t_worstproblem_std": {"PF-03", "PF-04"},
                "orgwide": {"PF-02"}}
    for name, blockers in expected.items():
        ev = evaluate(scenario(name), rulebook)
        assert deciding(ev) == blockers, name
    orgwide = evaluate(scenario("orgwide"), rulebook)
    pf02 = next(f for f in orgwide.findings if f.rule_id == "PF-02")
    assert [t.field for t in pf02.because] == ["problem.scope"]


def test_a_blank_problem_keeps_the_verdict_open_between_its_ends(rulebook):
    ev = evaluate(scenario("t_problem_unknown"), rulebook)
    assert (ev.verdict_range.best.value, ev.verdict_range.worst.value) == (
        "recommended", "not_recommended")
    assert ev.missing[0].gate and ev.missing[0].field.startswith(("problem.", "intervention."))


def test_michigan_is_recommended_because_nothing_can_lower_it(rulebook):
    ev = evaluate(example("michigan-keystone"), rulebook)
    assert ev.verdict.value == "recommended"
    assert (ev.verdict_range.best.value, ev.verdict_range.worst.value) == (
        "recommended", "recommended")
    assert not [f for f in ev.findings if f.severity.value in ("blocker", "major")]
    assert "PF-S1" in {f.rule_id for f in ev.findings}  # the problem fits


def test_ilcop_is_not_recommended_for_the_papers_reasons(rulebook):
    """Its problem caps it at conditional (no clear evidence, a complex pathway, partly
    structural change: the paper's §3), and its design falls below that: local design
    and no hard tactics (§2.5, §2.6)."""
    ev = evaluate(example("ilcop"), rulebook)
    assert ev.verdict.value == "not_recommended"
    fired = {f.rule_id: f for f in ev.findings}
    limits = {rid for rid, f in fired.items() if f.severity.value == "major"
              and rid.startswith("PF-")}
    assert limits == {"PF-05", "PF-08", "PF-09"}
    assert deciding(ev) == {"PF-01"}
    assert "BA-01" in fired
    assert ("Even with a better design, ccrules' reading of the paper allows at most a "
            "conditional") in ev.summary


def test_the_redesign_keeps_the_problem_and_reaches_conditional(rulebook):
    ilcop, redesign = example("ilcop"), example("ilcop-redesigned")
    assert redesign["problem"] == ilcop["problem"]  # a redesign changes the design only
    ev = evaluate(redesign, rulebook)
    assert ev.verdict.value == "conditional"
    limits = [f for f in ev.findings if f.severity.value == "major" and f.rule_id[:2] == "PF"]
    assert {f.rule_id for f in limits} == {"PF-05", "PF-08", "PF-09", "PF-10"}
    rules = {r.id: r for r in rulebook.rules}
    assert all(about_problem(rules[rid]) for rid in ("PF-05", "PF-08", "PF-09"))
    conditions = {c.rule_id for c in ev.conditions}
    assert "PF-10" in conditions and not conditions & {"PF-05", "PF-08", "PF-09"}  # limits
    # are not conditions


def test_the_papers_alternative_alone_is_conditional(rulebook):
    ev = evaluate(example("ilcop-paper-alternative"), rulebook)
    assert ev.verdict.value == "conditional"
    assert example("ilcop-paper-alternative")["problem"] == example("ilcop")["problem"]
