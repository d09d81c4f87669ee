"""Explanations beyond a trace, on the examples: why, why not, what is missing, what would
change the verdict, what-if, the menu option by option, and pasteable conditions."""

import json

import pytest

from ccrules.cli import main
from ccrules.errors import ProposalError
from ccrules.judging.judge import judge_for
from ccrules.proposal import parse_proposal
from ccrules.proposal.facts import flatten
from ccrules.screening.evaluate import evaluate
from ccrules.screening.whatif import apply_changes, evaluate_with_what_if, parse_assignments

from helpers import ANSWERED, EXAMPLES, ROOT, example


def terms(finding_or_why_not):
    items = getattr(finding_or_why_not, "because", None) or finding_or_why_not.terms
    return [(t.field, t.op, t.value, t.actual) for t in items]


# 1. Why ------------------------------------------------------------------------------------

def test_why_names_the_terms_and_values_that_fired(rulebook):
    ev = evaluate(example("ilcop"), rulebook)
    by_id = {f.rule_id: f for f in ev.findings}
    assert terms(by_id["IM-06"]) == [("enrolment.data_submission", "in",
                                      ["voluntary", "none"], "voluntary")]
    assert terms(by_id["PF-05"]) == [("problem.evidence_base", "eq", "none", "none")]
    # an `any` rule names only the branch that fired
    assert terms(by_id["PF-01"]) == [
        ("intervention.standardisation", "eq", "locally_designed", "locally_designed")]
    assert terms(by_id["CO-04"]) == [("community.residential_meetings_per_year", "lt", 1, 0)]
    assert by_id["IM-06"].because[0].text == "Data submission: voluntary"
    assert by_id["CO-04"].because[0].text == (
        "Residential meetings a year: 0 a year (below 1 a year)")


def test_every_fired_finding_has_reasons(rulebook):
    for path in EXAMPLES.glob("*.json"):
        for finding in evaluate(json.loads(path.read_text()), rulebook).findings:
            assert finding.because, (path.name, finding.rule_id)


# 2. Why not --------------------------------------------------------------------------------

def test_why_not_for_gate_rules_that_did_not_fire(rulebook):
    ev = evaluate(example("michigan-keystone"), rulebook)
    gate = [r.id for r in judge_for(rulebook).rules if rulebook.policy.is_gate(r)]
    assert [(w.rule_id, w.status) for w in ev.why_not] == [(rid, "not_fired") for rid in gate]
    assert gate == ["PF-01", "PF-02", "PF-03", "PF-04", "PF-05", "PF-06", "PF-08", "PF-09",
                    "PF-10", "PF-12"]
    pf05 = next(w for w in ev.why_not if w.rule_id == "PF-05")
    assert terms(pf05) == [("problem.evidence_base", "eq", "none", "strong")]
    assert pf05.terms[0].text == (
        "Evidence for a solution: strong (the finding needs: none)")


def test_why_not_on_request_and_for_undetermined_rules(rulebook):
    ev = evaluate(example("michigan-keystone"), rulebook, why_not=["IM-06", "CO-01"])
    got = {w.rule_id: terms(w) for w in ev.why_not}
    assert got["IM-06"] == [("enrolment.data_submission", "in", ["voluntary", "none"],
                             "mandatory_with_exit")]
    # an `all` rule is kept from firing by its first failing term
    assert got["CO-01"] == [("community.calls_per_month", "lt", 1, 2)]
    draft = evaluate(example("incomplete-draft"), rulebook)
    pf01 = next(w for w in draft.why_not if w.rule_id == "PF-01")
    assert pf01.status == "undetermined"
    assert "intervention.standardisation" in [t.field for t in pf01.terms]
    assert all(t.actual is None for t in pf01.terms)


def test_why_not_from_the_cli(runner):
    result = runner.invoke(main, ["evaluate", str(EXAMPLES / "michigan-keystone.json"),
                                  "--why-not", "im-06"])
    assert result.exit_code == 0
    flat = " ".join(result.output.split())
    assert "IM-06 Data submission not mandatory (major): not found" in flat
    assert ("Because: Data submission: required, with exit for not submitting (the finding "
            "needs: voluntary or not asked for)") in flat
    bad = runner.invoke(main, ["evaluate", str(EXAMPLES / "ilcop.json"), "--why-not", "IM6"])
    assert bad.exit_code == 1 and "no rule 'IM6'" in bad.output


# 3. Missing information --------------------------------------------------------------------

def test_an_open_commitment_that_could_bring_a_major_is_a_condition_of_award(rulebook):
    data = example("michigan-keystone")
    del data["enrolment"]["data_submission"]
    del data["community"]["structured_discussion"]  # CO-08 is minor: not verdict-relevant
    ev = evaluate(data, rulebook)
    assert ev.verdict.value == "conditional"  # recommended needs the worst case recommended
    assert (ev.verdict_range.best.value, ev.verdict_range.worst.value) == (
        "recommended", "conditional")
    assert [(m.field, m.rules) for m in ev.missing] == [("enrolment.data_submission",
                                                         ["IM-06"])]
    assert ev.missing[0].question == "Must sites submit data, and what happens if they do not?"
    assert [m.kind for m in ev.missing] == ["commitment"] and not ev.facts_to_establish
    (condition,) = ev.conditions
    assert (condition.rule_id, condition.kind) == ("IM-06", "commitment")
    assert condition.text.startswith("The proposal does not say, so the award is conditional "
                                     "on this commitment: make submission of the common "
                                     "measures a condition")
    assert "Must sites submit data, and what happens if they do not?" in condition.text
    assert "one commitment the proposal does not state, required as a condition" in ev.summary


def test_an_open_fact_is_to_establish_never_a_condition(rulebook):
    """s11 of the review: how alike the units are is a feature of the problem; no applicant
    can meet it as a condition, so it is listed as a fact to establish."""
    data = example("michigan-keystone")
    del data["problem"]["setting_uniformity"]
    ev = evaluate(data, rulebook)
    assert ev.verdict.value == "conditional"
    assert (ev.verdict_range.best.value, ev.verdict_range.worst.value) == (
        "recommended", "conditional")
    assert [(m.field, m.kind) for m in ev.facts_to_establish] == [
        ("problem.setting_uniformity", "fact")]
    assert not ev.conditions and not ev.commitments_to_require
    assert "one open fact to establish before the award" in ev.summary


def test_missing_for_a_draft_puts_the_gate_first_with_questions(rulebook):
    ev = evaluate(example("incomplete-draft"), rulebook)
    assert ev.missing[0].field == "intervention.standardisation"
    gates = [m.gate for m in ev.missing]
    assert gates == sorted(gates, reverse=True)  # every gate question before the others
    assert "problem.evidence_base" in [m.field for m in ev.missing if m.gate]
    assert all(m.question.endswith("?") for m in ev.missing)


# 4. Counterfactuals ------------------------------------------------------------------------

def scenario(name: str) -> dict:
    return json.loads((ROOT / "tests" / "scenarios" / f"{name}.json").read_text())


def test_counterfactuals_are_confirmed_by_the_engine(rulebook):
    ev = evaluate(scenario("t_noevidence_std"), rulebook)
    assert ev.verdict.value == "not_recommended"
    assert ev.counterfactuals
    judge = judge_for(rulebook)
    base = flatten(parse_proposal(scenario("t_noevidence_std")))
    for cf in ev.counterfactuals:  # every one holds when the engine re-runs it
        assert len(cf.changes) <= 3
        changed = judge.with_changes(base, {c.field: tuple(c.after) if isinstance(
            c.after, list) else c.after for c in cf.changes})
        assert judge.judge(changed).verdict == cf.verdict


@pytest.mark.parametrize("name", ["orgwide", "t_worstproblem_std", "t_noevidence_std"])
def test_no_design_change_routes_around_an_unsuitable_problem(rulebook, name):
    """The problem-fit table cannot be bypassed by declaring another design: every way up
    changes the problem itself, and is marked as not a design choice."""
    ev = evaluate(scenario(name), rulebook)
    assert ev.counterfactuals
    for cf in ev.counterfactuals:
        assert not cf.by_design
        assert any(c.field.startswith("problem.") and not c.design_choice for c in cf.changes)
    data = json.loads(ev.model_dump_json())
    assert set(data["counterfactuals"][0]["changes"][0]) == {"field", "from", "to", "text",
                                                              "design_choice"}


def test_counterfactuals_are_minimal(rulebook):
    ev = evaluate(scenario("orgwide"), rulebook)
    sets = [(cf.verdict, {(c.field, json.dumps(c.after)) for c in cf.changes})
            for cf in ev.counterfactuals]
    for verdict, a in sets:  # no set offered for a verdict holds a smaller one for it
        assert not any(b < a for v, b in sets if v == verdict)


def test_no_counterfactuals_when_recommended_or_beyond_three_changes(rulebook):
    assert evaluate(example("michigan-keystone"), rulebook).counterfactuals == []
    sepsis = evaluate(example("sepsis-bundle-emergency-departments"), rulebook)
    assert sepsis.verdict.value == "conditional" and sepsis.counterfactuals == []  # 4 majors


def test_one_major_gives_a_one_change_counterfactual(rulebook):
    data = example("michigan-keystone")
    data["enrolment"]["data_submission"] = "voluntary"
    ev = evaluate(data, rulebook)
    assert [([(c.field, c.after) for c in cf.changes], cf.verdict.value, cf.resolves)
            for cf in ev.counterfactuals] == [
        # the enum's order: the paper's strongest form first
        ([("enrolment.data_submission", "mandatory_with_exit")], "recommended", ["IM-06"]),
        ([("enrolment.data_submission", "mandatory")], "recommended", ["IM-06"])]


# 5. What-if --------------------------------------------------------------------------------

def test_what_if_side_by_side(rulebook):
    ev = evaluate_with_what_if(example("michigan-keystone"), {
        "enrolment.data_submission": "voluntary"}, rulebook)
    assert ev.verdict.value == "recommended"
    assert ev.what_if.verdict.value == "conditional"
    assert ev.what_if.fired_added == ["IM-06"]
    assert ev.what_if.fired_removed == ["IM-S2", "BA-S1"]
    assert ev.what_if.evaluation.verdict == ev.what_if.verdict


def test_relabelling_as_a_menu_does_not_route_around_the_problem(rulebook):
    """A menu is a menu only with listed options tracked by common real-time measures."""
    ev = evaluate_with_what_if(example("ilcop"), {
        "intervention.standardisation": "menu_of_options"}, rulebook)
    assert ev.what_if.verdict.value == "not_recommended"
    after = ev.what_if.evaluation
    assert after.verdict_range.best.value == "not_recommended"  # whatever the options
    # with no options listed, it is open design (PF-01) or a one-option standard core
    # without evidence (PF-04): the options decide which, never whether
    assert {u.rule_id for u in after.undetermined} >= {"PF-01", "PF-04"}
    listed = example("ilcop")
    listed["intervention"].update(standardisation="menu_of_options", menu_options=[])
    assert "PF-01" in {f.rule_id for f in evaluate(listed, rulebook).findings}


def test_what_if_errors_name_the_field(rulebook):
    with pytest.raises(ProposalError) as info:
        apply_changes({}, {"enrolment.data_submision": "voluntary"})
    assert "did you mean 'enrolment.data_submission'?" in info.value.errors[0].msg
    with pytest.raises(ProposalError) as info:
        evaluate_with_what_if({}, {"enrolment.data_submission": "sometimes"}, rulebook)
    assert info.value.errors[0].loc == ("what_if", "enrolment", "data_submission")


def test_parse_assignments_reads_json_values():
    assert parse_assignments(["a.b=2", "a.c=true", 'a.d=["x"]', "a.e=menu_of_options"]) == {
        "a.b": 2, "a.c": True, "a.d": ["x"], "a.e": "menu_of_options"}
    with pytest.raises(ProposalError):
        parse_assignments(["no-equals-sign"])


def test_what_if_from_the_cli(runner):
    result = runner.invoke(main, ["evaluate", str(EXAMPLES / "ilcop.json"), "--set",
                                  "intervention.standardisation=menu_of_options", "--set",
                                  "enrolment.data_submission=mandatory_with_exit",
                                  "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert (data["verdict"], data["what_if"]["verdict"]) == ("not_recommended",
                                                             "not_recommended")
    # with the menu's options not listed, PF-01 is open (their number decides it), not fired
    assert data["what_if"]["fired_removed"] == ["PF-01", "CO-10", "IM-06", "BA-01"]
    text = runner.invoke(main, ["evaluate", str(EXAMPLES / "michigan-keystone.json"), "--set",
                                "enrolment.data_submission=voluntary"]).output
    assert "WHAT IF" in text and "  verdict       recommended               conditional" in text


def test_what_if_over_the_api(client, auth):
    r = client.post("/api/v1/evaluations", headers=auth, json={
        "proposal": example("michigan-keystone"),
        "what_if": {"enrolment.data_submission": "voluntary"},
        "why_not": ["IM-S2"]})
    assert r.status_code == 201
    body = r.get_json()
    assert body["what_if"]["verdict"] == "conditional"
    assert "IM-S2" not in [w["rule_id"] for w in body["why_not"]]  # it fired
    assert [w["rule_id"] for w in body["what_if"]["evaluation"]["why_not"]][-1] == "IM-S2"
    bad = client.post("/api/v1/evaluations", headers=auth, json={
        "proposal": ANSWERED, "what_if": {"problem.evidence": "strong"}})
    assert bad.status_code == 422
    assert bad.get_json()["error"]["errors"][0]["loc"] == ["what_if", "problem.evidence"]
    bad = client.post("/api/v1/evaluations", headers=auth, json={"proposal": ANSWERED,
                                                                "why_not": ["XX-01"]})
    assert bad.get_json()["error"]["errors"] == [{"loc": ["why_not", 0],
                                                  "msg": "no rule 'XX-01'"}]


# 6. Menu options, one by one ---------------------------------------------------------------

def test_menu_options_are_judged_one_by_one(rulebook):
    data = example("ilcop-redesigned")
    data["intervention"]["menu_options"][1]["evidence_base"] = "contested"
    data["intervention"]["menu_options"][2]["measures"] = ["local_audit"]
    del data["intervention"]["menu_options"][3]["evidence_base"]
    ev = evaluate(data, rulebook)
    got = [(o.name.split()[0], o.evidence_based, o.measured, len(o.issues)) for o in ev.options]
    assert got == [("rapid", True, True, 0), ("pathologist", False, True, 1),
                   ("structured", True, False, 1), ("clinical", None, True, 1)]
    assert ev.options[0].common_measures == ["days_referral_to_diagnosis"]
    assert "contested" in ev.options[1].issues[0]
    fired = {f.rule_id for f in ev.findings}
    assert "PF-01" in fired  # an option no common measure tracks: no longer the compromise
    assert "PF-11" in fired  # an option without evidence: the funder's addition, minor
    assert ev.options[0].lessons == ["L5"]
    assert evaluate(example("michigan-keystone"), rulebook).options == []


# 7. Conditions of award --------------------------------------------------------------------

def test_conditions_are_sentences_tied_to_finding_and_lesson(rulebook):
    ev = evaluate(example("falls-prevention-virtual"), rulebook)
    texts = {c.rule_id: c.text for c in ev.conditions}
    assert texts["CO-06"] == (
        "Before the award is confirmed, the applicant must budget for paid core staff with "
        "time dedicated to organising the community's events and supporting sites (finding "
        "CO-06, \"No paid core staff for logistics\"; lessons L14; Aveling et al. 2017, §2.5; "
        "§3 Discussion, P:434-439; P:738-742).")
    assert set(texts) == {f.rule_id for f in ev.findings if f.severity.value == "major"}
