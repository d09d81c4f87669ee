"""The Proposal model: unknown is allowed everywhere, unknown keys and wrong types are not."""

import pytest

from ccrules.errors import ProposalError
from ccrules.proposal import Proposal, parse_proposal
from ccrules.proposal.facts import flatten
from ccrules.proposal.fields import catalogue
from ccrules.proposal.groups import IDENTITY


def faults(data) -> dict[str, str]:
    with pytest.raises(ProposalError) as info:
        parse_proposal(data)
    return {".".join(map(str, e.loc)): e.msg for e in info.value.errors}


def test_empty_proposal_is_valid_and_everything_is_unknown():
    facts = flatten(parse_proposal({}))
    assert facts and all(v is None for v in facts.values())


def test_null_group_means_unknown():
    p = parse_proposal({"enrolment": None, "problem": {"evidence_base": None}})
    assert p.enrolment.data_submission is None and p.problem.evidence_base is None


def test_unknown_keys_are_named_with_suggestions():
    got = faults({"problm": {}, "enrolment": {"data_submision": "mandatory"},
                  "problem": {"case_for_change": {"patient_story": True}}})
    assert got == {
        "problm": "unknown field (did you mean 'problem'?)",
        "enrolment.data_submision": "unknown field (did you mean 'data_submission'?)",
        "problem.case_for_change.patient_story":
            "unknown field (did you mean 'patient_stories'?)",
    }


@pytest.mark.parametrize("group, field, bad", [
    ("community", "calls_per_month", "2"),       # a string is not a number
    ("community", "social_time", "true"),        # a string is not a boolean
    ("community", "social_time", 1),             # nor is 1
    ("context", "sites_enrolled", 2.5),          # not a whole number (2.0 is: JSON has one
                                                 # number type)
    ("context", "sites_enrolled", True),         # a boolean is not a number
    ("context", "coverage_pct", 140),            # a percentage
    ("enrolment", "local_lead_time_pct", -5),
    ("problem", "evidence_base", "very strong"),  # not an enum member
    ("core_team", "expertise", ["quality_improvement", "astrology"]),
])
def test_wrong_types_are_rejected_with_the_field_named(group, field, bad):
    assert f"{group}.{field}" in " ".join(faults({group: {field: bad}}))


def test_not_an_object():
    with pytest.raises(ProposalError, match="must be a JSON object"):
        parse_proposal([1, 2])


def test_every_field_has_a_description_and_question():
    for path, info in catalogue().items():
        assert info.description, path
        if info.path not in IDENTITY:
            assert info.question.endswith("?"), path


def test_every_field_has_a_label_and_every_amount_a_unit():
    """Labels and units live with the field in the catalogue (the model's F(...)): a field
    without a label, or a number that is neither a count nor has a unit, fails here."""
    for path, info in catalogue().items():
        assert info.label and info.label != path, path
        if info.kind.numeric and not info.label.startswith("Number of"):
            assert info.unit, path


def test_json_schema_carries_descriptions_and_enums():
    schema = Proposal.model_json_schema()
    problem = schema["$defs"]["Problem"]["properties"]
    assert "evidence" in problem["evidence_base"]["description"]
    evidence = schema["$defs"]["EvidenceBase"]["enum"]
    assert evidence == ["strong", "emerging", "contested", "none"]
    assert schema["additionalProperties"] is False


def test_derived_fields_follow_their_inputs():
    f = flatten(parse_proposal({"context": {"sites_eligible": 200, "sites_enrolled": 50}}))
    assert f["derived.coverage_pct"] == 25.0
    f = flatten(parse_proposal({"context": {"coverage_pct": 85, "sites_eligible": 200,
                                            "sites_enrolled": 50}}))
    assert f["derived.coverage_pct"] == 85
    assert flatten(parse_proposal({}))["derived.coverage_pct"] is None


def test_menu_derived_fields_are_three_valued():
    def menu(options, common):
        return flatten(parse_proposal({"intervention": {"menu_options": options},
                                       "measurement": {"common_measures": common}}))
    good = {"name": "a", "evidence_base": "strong", "measures": ["m1"]}
    unknown_evidence = {"name": "b", "measures": ["m1"]}
    unmeasured = {"name": "c", "evidence_base": "none", "measures": ["local"]}
    f = menu([good], ["m1"])
    assert (f["derived.menu_options_evidence_based"], f["derived.menu_options_measured"]) == (
        True, True)
    f = menu([good, unknown_evidence], ["m1"])
    assert f["derived.menu_options_evidence_based"] is None
    f = menu([good, unmeasured], ["m1"])
    assert (f["derived.menu_options_evidence_based"], f["derived.menu_options_measured"]) == (
        False, False)
    assert menu([good], None)["derived.menu_options_measured"] is None


def test_a_whole_float_is_an_integer_as_in_json_schema():
    assert parse_proposal({"context": {"sites_enrolled": 30.0}}).context.sites_enrolled == 30


@pytest.mark.parametrize("data, loc, words", [
    ({"context": {"sites_eligible": 10, "sites_enrolled": 12}}, ("context", "sites_enrolled"),
     "12 sites enrolled is more than the 10 eligible"),
    ({"context": {"sites_eligible": 10, "sites_enrolled": 10, "coverage_pct": 80}},
     ("context", "coverage_pct"), "all 10 eligible sites are enrolled, which covers 100%"),
    ({"context": {"sites_eligible": 10, "sites_enrolled": 0, "coverage_pct": 5}},
     ("context", "coverage_pct"), "no site is enrolled, which covers 0%"),
    ({"community": {"face_to_face_meetings_per_year": 1,
                    "residential_meetings_per_year": 2}},
     ("community", "residential_meetings_per_year"), "residential meetings are face-to-face"),
])
def test_cross_field_checks(data, loc, words):
    with pytest.raises(ProposalError) as caught:
        parse_proposal(data)
    (item,) = caught.value.errors
    assert item.loc == loc and words in item.msg and not item.msg.startswith("Value error")


def test_cross_field_checks_allow_what_can_be_true():
    parse_proposal({"context": {"sites_eligible": 152, "sites_enrolled": 91,
                                "coverage_pct": 75}})  # activity-weighted coverage may differ
    parse_proposal({"community": {"face_to_face_meetings_per_year": 2,
                                  "residential_meetings_per_year": 2}})


def test_cross_field_checks_in_the_api_and_cli(client, auth, runner, tmp_path):
    from ccrules.cli import main
    bad = {"context": {"sites_eligible": 3, "sites_enrolled": 4}}
    r = client.post("/api/v1/evaluations", json={"proposal": bad}, headers=auth)
    assert r.status_code == 422
    assert r.get_json()["error"]["errors"] == [
        {"loc": ["proposal", "context", "sites_enrolled"],
         "msg": "4 sites enrolled is more than the 3 eligible"}]
    path = tmp_path / "bad.json"
    path.write_text('{"context": {"sites_eligible": 3, "sites_enrolled": 4}}')
    result = runner.invoke(main, ["evaluate", str(path)])
    assert result.exit_code == 1 and "4 sites enrolled is more than the 3 eligible" in \
        result.output
