"""How findings become a verdict: the verdict range over completions of unknown answers,
findings that add up, the funder's figures, and the limits every evaluation carries."""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, settings

from ccrules.authoring.checks import all_problems
from ccrules.judging.judge import RANK, judge_for
from ccrules.proposal.facts import flatten
from ccrules.proposal.reading import parse_proposal
from ccrules.rulebook import load_rulebook
from ccrules.rulebook.model import Verdict
from ccrules.screening.evaluate import evaluate

from helpers import example
from strategies import scaled, seeded_proposals

LEVEL = {**RANK, Verdict.insufficient_information: None}


def test_the_range_brackets_every_completion(rulebook):
    """Answering any one open fact lands inside the range the draft announced; answering an
    open commitment never lifts the verdict above its best (the range takes commitments as
    secured by their conditions, so an unfavourable one stated is a new weakness below it)."""
    judge = judge_for(rulebook)
    draft = example("sepsis-bundle-emergency-departments")
    for group in ("community", "measurement", "context"):
        draft.pop(group)
    facts = flatten(parse_proposal(draft))
    judged = judge.judge(facts)
    best, worst = RANK[judged.best], RANK[judged.worst]
    kinds = set()
    for missing in evaluate(draft, rulebook).missing:
        kinds.add(missing.kind)
        for value in judge.domain(missing.field):
            after = judge.judge(judge.with_changes(facts, {missing.field: value}))
            assert RANK[after.best] <= best
            if missing.kind == "fact":
                assert worst <= RANK[after.worst] <= RANK[after.best]
    assert kinds == {"fact", "commitment"}


@settings(max_examples=scaled(150), deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(seeded_proposals(load_rulebook()))
def test_the_verdict_follows_its_range(raw):
    rulebook = RULEBOOK
    judged = judge_for(rulebook).judge(flatten(parse_proposal(raw)))
    assert RANK[judged.worst] <= RANK[judged.best]
    if judged.verdict == Verdict.recommended:
        assert judged.worst == Verdict.recommended  # recommended only if the worst case is
    if judged.verdict in (Verdict.recommended, Verdict.conditional):
        assert judged.verdict == judged.worst
    if judged.worst == Verdict.not_recommended and judged.best != Verdict.not_recommended:
        assert judged.verdict == Verdict.insufficient_information


RULEBOOK = load_rulebook()


def test_findings_add_up_to_rework(rulebook):
    data = example("michigan-keystone")
    data["community"]["planned_from_outset"] = False  # CO-02: community
    data["measurement"]["peer_comparison"] = "none"  # ME-05: measurement
    assert evaluate(data, rulebook).verdict.value == "conditional"  # two fronts
    data["core_team"]["institutional_backing"] = []  # MO-04: mobilisation, a third front
    ev = evaluate(data, rulebook)
    assert ev.verdict.value == "not_recommended"
    assert ("by ccrules' policy for findings that add up (not a finding of the paper), "
            "major weaknesses on several fronts") in ev.summary
    assert not [f for f in ev.findings if f.severity.value == "blocker"]


def test_no_hard_tactics_at_all_is_not_recommended(rulebook):
    data = example("michigan-keystone")
    data["enrolment"].update(commitment="ceo_signoff", data_submission="voluntary")
    data["intervention"].update(standardisation="locally_designed", core_elements=[],
                                customisation="what_and_how")
    ev = evaluate(data, rulebook)
    assert ev.verdict.value == "not_recommended" and "few hard tactics" in ev.summary


def test_a_qualified_menu_is_a_hard_tactic_but_a_label_is_not(rulebook):
    menu = example("ilcop-paper-alternative")
    menu["enrolment"].update(commitment="ceo_signoff", data_submission="voluntary")
    assert "BA-01" not in {f.rule_id for f in evaluate(menu, rulebook).findings}
    label = copy.deepcopy(menu)
    label["intervention"]["menu_options"] = []
    label["measurement"]["feedback_frequency"] = "after_programme"
    assert "BA-01" in {f.rule_id for f in evaluate(label, rulebook).findings}
    unlisted = copy.deepcopy(label)
    unlisted["intervention"].pop("menu_options")  # the options are a commitment to ask for
    ev = evaluate(unlisted, rulebook)
    assert "BA-01" in {u.rule_id for u in ev.undetermined}
    assert "intervention.menu_options" not in {m.field for m in ev.facts_to_establish}


def test_a_menu_of_one_option_is_a_standardised_core(rulebook):
    """s14 of the review: a 'menu' of one listed option is a standard package; without
    evidence it meets PF-04 as any standard package does."""
    data = example("ilcop-paper-alternative")
    data["intervention"]["menu_options"] = data["intervention"]["menu_options"][:1]
    for evidence, verdict, fired in (("none", "not_recommended", "PF-04"),
                                     ("contested", "conditional", "PF-12")):
        data["problem"]["evidence_base"] = evidence
        ev = evaluate(data, rulebook)
        ids = {f.rule_id for f in ev.findings}
        assert ev.verdict.value == verdict and fired in ids
        assert not ids & {"PF-01", "PF-10"}


def test_one_answer_counts_once_however_many_fronts_it_touches(rulebook):
    from ccrules.rulebook.aggregations import fronts
    rules = {r.id: r for r in rulebook.rules}
    two = [rules["CO-02"], rules["ME-03"]]  # community and measurement
    assert fronts(two, {"CO-02": frozenset({"a"}), "ME-03": frozenset({"b"})}) == 2
    assert fronts(two, {"CO-02": frozenset({"a"}), "ME-03": frozenset({"a"})}) == 1
    three = two + [rules["IM-05"]]
    assert fronts(three, {"CO-02": frozenset({"a"}), "ME-03": frozenset({"a", "b"}),
                          "IM-05": frozenset({"b"})}) == 1
    assert fronts(three, {"CO-02": frozenset({"a"}), "ME-03": frozenset({"a"}),
                          "IM-05": frozenset({"c"})}) == 2


def test_one_parameter_serves_every_rule_on_lead_time(rulebook):
    param = rulebook.policy.parameters["local_lead_time_pct"]
    for pct, fires in ((param.value - 1, True), (param.value, False)):
        data = example("michigan-keystone")
        data["enrolment"]["local_lead_time_pct"] = pct
        ev = evaluate(data, rulebook)
        status = {r.id: r.status for r in ev.enrolment_requirements}["dedicated_lead_time"]
        assert ("CO-07" in {f.rule_id for f in ev.findings}) is fires
        assert status == ("missing" if fires else "in_design")  # never a gap between them


def test_a_bare_number_in_a_rule_fails_the_check(rules_copy):
    path = rules_copy / "problem_fit.yaml"
    path.write_text(path.read_text().replace("value: {param: departments_many}", "value: 3"))
    problems = [str(p) for p in all_problems(load_rulebook(rules_copy))]
    assert any("PF-07: problem.departments_involved ge 3: a bare number" in p
               for p in problems), problems
    path.write_text(path.read_text().replace(
        "{field: problem.departments_involved, op: ge, value: 3}",
        '{field: problem.departments_involved, op: ge, value: 3, paper: "P:786-790"}'))
    assert not [p for p in all_problems(load_rulebook(rules_copy)) if p.kind == "figure"]


def test_rules_check_on_the_command_line_fails_on_a_bare_number(runner, rules_copy):
    from ccrules.cli import main
    path = rules_copy / "problem_fit.yaml"
    path.write_text(path.read_text().replace("value: {param: departments_many}", "value: 3"))
    result = runner.invoke(main, ["rules", "check", str(rules_copy)])
    assert result.exit_code == 1 and "a bare number" in result.output


def test_every_evaluation_carries_the_limits(rulebook):
    ev = evaluate(example("ilcop"), rulebook)
    assert [x.text for x in ev.limits] == [x.text for x in rulebook.policy.limits]
    assert any("Only ILCOP had a control group" in x.text for x in ev.limits)


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_every_report_ends_with_what_a_verdict_means(runner, fmt):
    from ccrules.cli import main

    from helpers import EXAMPLES
    out = runner.invoke(main, ["evaluate", str(EXAMPLES / "michigan-keystone.json"),
                               "--format", fmt]).output
    heading = "WHAT A VERDICT MEANS" if fmt == "text" else "## What a verdict means"
    last_section = "MINIMUM ENROLMENT" if fmt == "text" else "## Minimum enrolment"
    assert out.rindex(heading) > out.index(last_section)  # at the foot of the report
    assert "not a prediction of success" in out


def test_an_older_stored_evaluation_still_reads(rulebook):
    from ccrules.judging.result import Evaluation
    stored = evaluate(example("ilcop"), rulebook).model_dump(mode="json")
    stored["confidence"] = stored.pop("completeness")
    for key in ("verdict_range", "limits"):
        stored.pop(key)
    old = Evaluation.model_validate(stored)
    assert old.completeness == stored["confidence"]
    assert old.verdict_range.best == old.verdict_range.worst == old.verdict
