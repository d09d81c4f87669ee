"""Answers that are plausible and consistent (issue 20): numbers no real programme can exceed
are refused, and so are answers that contradict each other, each with the field named, and
the nearest valid answer is accepted. The refusal shows on every way in: the API, the
command line, the form (beside the field, with everything typed kept), a sheet (by row and
column), a what-if and guided mode."""

from __future__ import annotations

import json
import re

import pytest
from werkzeug.datastructures import MultiDict

from ccrules.cli import main
from ccrules.errors import ProposalError
from ccrules.explaining.interview import AnswerError, apply, interview
from ccrules.proposal import Proposal, parse_proposal
from ccrules.proposal.facts import flatten
from ccrules.proposal.fields import catalogue
from ccrules.sheets.export import template
from ccrules.sheets.layout import by_path, columns, letter
from ccrules.sheets.problems import SheetError, where
from ccrules.sheets.read import read_sheet
from ccrules.web.forms import NONE_SUFFIX, answer_from_text, proposal_from_form

from helpers import EXAMPLES, ROOT, example

# (field, least, most, whole number): what a real programme cannot go beyond
BOUNDS = [
    ("problem.departments_involved", 0, 100, True),
    ("intervention.core_element_count", 0, 50, True),
    ("core_team.inner_core_size", 1, 50, True),
    ("enrolment.local_lead_time_pct", 0, 100, False),
    ("measurement.baseline_months", 0, 60, True),
    ("measurement.feedback_lag_months", 0, 120, False),
    ("community.calls_per_month", 0, 31, False),
    ("community.face_to_face_meetings_per_year", 0, 52, False),
    ("community.residential_meetings_per_year", 0, 12, False),
]


def given(path: str, value) -> dict:
    group, name = path.split(".")
    return {group: {name: value}}


def faults(data: dict) -> dict[str, str]:
    with pytest.raises(ProposalError) as caught:
        parse_proposal(data)
    return {".".join(map(str, e.loc)): e.msg for e in caught.value.errors}


def schema_of(path: str) -> dict:
    group, name = path.split(".")
    schema = Proposal.model_json_schema()
    title = {"core_team": "CoreTeam"}.get(group, group.capitalize())
    node = schema["$defs"][title]["properties"][name]
    return next(b for b in node["anyOf"] if b.get("type") != "null")


# --- bounds --------------------------------------------------------------------------------

@pytest.mark.parametrize("path, least, most, whole", BOUNDS, ids=[b[0] for b in BOUNDS])
def test_a_number_past_what_a_real_programme_can_state_is_refused(path, least, most, whole):
    assert getattr(getattr(parse_proposal(given(path, most)), path.split(".")[0]),
                   path.split(".")[1]) == most  # the bound itself is a real answer
    parse_proposal(given(path, least))
    over = most + 1 if whole else most + 0.5
    assert faults(given(path, over)) == {path: f"must be at most {most}, not {over!r}"}
    if least:
        assert faults(given(path, least - 1)) == {path: f"must be at least {least}, not 0"}


@pytest.mark.parametrize("path, least, most, whole", BOUNDS, ids=[b[0] for b in BOUNDS])
def test_each_bound_is_stated_in_the_schema_and_the_sheet_template(path, least, most, whole):
    node = schema_of(path)
    assert (node["minimum"], node["maximum"]) == (least, most)
    assert node["type"] == ("integer" if whole else "number")
    column = by_path()[path]
    assert (column.info.minimum, column.info.maximum) == (least, most)
    assert f"from {least} to {most}" in column.how_to_write()


def test_an_inner_core_of_no_one_is_refused_but_unknown_is_not():
    assert faults({"core_team": {"inner_core_size": 0}}) == {
        "core_team.inner_core_size": "must be at least 1, not 0"}
    assert parse_proposal({"core_team": {"inner_core_size": None}}).core_team \
        .inner_core_size is None


def test_every_example_and_scenario_is_within_the_bounds_and_consistent():
    files = sorted(EXAMPLES.glob("*.json")) + sorted((ROOT / "tests" / "scenarios").glob(
        "*.json"))
    shared = ROOT.parent / "shared" / "scenarios"  # the reviews' proposals, when beside us
    files += sorted(shared.glob("*.json")) + sorted(shared.glob("partial/*.json"))
    assert len(files) >= len(list(EXAMPLES.glob("*.json"))) + 9
    for f in files:
        data = json.loads(f.read_text())
        for p in data["proposals"] if "proposals" in data else [data.get("proposal", data)]:
            parse_proposal(p)


# --- contradictions ------------------------------------------------------------------------

CONTRADICTIONS = [
    ({"community": {"virtual_only": True, "face_to_face_meetings_per_year": 2}},
     "community.virtual_only",
     "every community event is said to be virtual, but 2 face-to-face meetings a year are "
     "stated: meetings in person are not virtual"),
    ({"community": {"virtual_only": True, "residential_meetings_per_year": 1}},
     "community.virtual_only",
     "every community event is said to be virtual, but 1 residential meeting a year is "
     "stated: meetings in person are not virtual"),
    ({"intervention": {"standardisation": "locally_designed", "customisation": "how_only"}},
     "intervention.customisation",
     "sites may adapt only how they implement, but what sites implement is each site's own "
     "design: a site that designs its own plan decides what it does, not only how"),
    ({"intervention": {"core_elements": ["hand hygiene", "full barrier precautions"],
                       "core_element_count": 5}},
     "intervention.core_element_count",
     "5 core elements counted, but 2 named (hand hygiene, full barrier precautions): state "
     "the count only when the elements are not named"),
    ({"intervention": {"core_elements": [], "core_element_count": 1}},
     "intervention.core_element_count",
     "1 core element counted, but the list of core elements says there are none: state the "
     "count only when the elements are not named"),
    ({"problem": {"peripheral_stakeholders": ["pathology", "None"]}},
     "problem.peripheral_stakeholders",
     "'none' is listed beside named items (pathology): give the names without 'none', or an "
     "empty list if there are none"),
    ({"measurement": {"common_measures": ["none"]}}, "measurement.common_measures",
     "'none' is not a name: an empty list states that there are none"),
    ({"intervention": {"menu_options": [{"name": "a", "measures": ["m1", "none"]}]}},
     "intervention.menu_options.0.measures",
     "'none' is listed beside named items (m1): give the names without 'none', or an empty "
     "list if there are none"),
    ({"intervention": {"menu_options": [{"name": "early mobilisation"}, {"name": "None"}]}},
     "intervention.menu_options",
     "an option called 'none' is listed beside named options (early mobilisation): give the "
     "options without 'none', or an empty list if there is no menu"),
]

NEAREST_VALID = [
    {"community": {"virtual_only": True, "face_to_face_meetings_per_year": 0,
                   "residential_meetings_per_year": 0}},
    {"community": {"virtual_only": False, "face_to_face_meetings_per_year": 2,
                   "residential_meetings_per_year": 1}},
    {"community": {"virtual_only": True, "calls_per_month": 2}},
    {"intervention": {"standardisation": "locally_designed", "customisation": "what_and_how"}},
    {"intervention": {"standardisation": "standardised_core", "customisation": "how_only"}},
    {"intervention": {"customisation": "how_only"}},
    {"intervention": {"core_elements": ["hand hygiene", "full barrier precautions"],
                      "core_element_count": 2}},
    {"intervention": {"core_element_count": 5}},
    {"intervention": {"core_elements": [], "core_element_count": 0}},
    {"problem": {"peripheral_stakeholders": ["pathology"]}},
    {"problem": {"peripheral_stakeholders": ["nonexecutive board", "none such"]}},
    {"measurement": {"common_measures": []}},
    {"intervention": {"menu_options": [{"name": "a", "measures": []}]}},
    {"intervention": {"menu_options": []}},
]


@pytest.mark.parametrize("data, path, msg", CONTRADICTIONS, ids=[c[1] for c in CONTRADICTIONS])
def test_answers_that_contradict_each_other_are_refused_with_the_field_named(data, path, msg):
    assert faults(data) == {path: msg}


@pytest.mark.parametrize("data", NEAREST_VALID)
def test_the_nearest_consistent_answers_are_accepted(data):
    parse_proposal(data)


def test_a_count_that_agrees_with_the_names_gives_the_same_facts():
    named = {"core_elements": ["a", "b", "c"]}
    both = flatten(parse_proposal({"intervention": {**named, "core_element_count": 3}}))
    assert both["derived.core_element_count"] == 3 == flatten(parse_proposal(
        {"intervention": named}))["derived.core_element_count"]


def test_the_groups_description_states_the_checks():
    schema = Proposal.model_json_schema()
    assert "no face-to-face or residential meetings when every event is virtual" in \
        " ".join(schema["$defs"]["Community"]["description"].split())
    assert "a count of core elements agrees with the elements named" in \
        " ".join(schema["$defs"]["Intervention"]["description"].split())


# --- every way in ----------------------------------------------------------------------------

VIRTUAL_MEETING = {"community": {"virtual_only": True, "face_to_face_meetings_per_year": 2}}
VIRTUAL_WORDS = "every community event is said to be virtual, but 2 face-to-face meetings"


def test_the_api_refuses_in_the_one_error_shape_with_the_field_named(app, client, auth):
    from test_pages import stored_count
    r = client.post("/api/v1/evaluations", json={"proposal": {
        **VIRTUAL_MEETING, "core_team": {"inner_core_size": 0}}}, headers=auth)
    assert r.status_code == 422
    error = r.get_json()["error"]
    assert error["status"] == 422 and error["title"] == "Invalid proposal"
    located = {tuple(e["loc"]): e["msg"] for e in error["errors"]}
    assert located[("proposal", "core_team", "inner_core_size")] == "must be at least 1, not 0"
    assert located[("proposal", "community", "virtual_only")].startswith(VIRTUAL_WORDS)
    assert len(located) == 2 and stored_count(app) == 0


def test_the_cli_names_the_field_on_one_line_and_fails(runner, tmp_path):
    path = tmp_path / "virtual.json"
    path.write_text(json.dumps({"title": "Virtual", **VIRTUAL_MEETING}))
    result = runner.invoke(main, ["evaluate", str(path)])
    assert result.exit_code == 1
    (line,) = [x for x in result.output.splitlines() if "community.virtual_only" in x]
    assert VIRTUAL_WORDS in line and "meetings in person are not virtual" in line
    bad = tmp_path / "calls.json"
    bad.write_text(json.dumps({"community": {"calls_per_month": 40}}))
    result = runner.invoke(main, ["evaluate", str(bad)])
    assert result.exit_code == 1
    assert "community.calls_per_month: must be at most 31, not 40" in result.output


def _field_div(page: str, html_id: str) -> str:
    """The form's block for one field (its label, input, help and error)."""
    start = page.rindex('<div class="field', 0, page.index(f'id="{html_id}"'))
    return page[start:page.index('<div class="field', start + 1)]


def test_the_form_shows_the_fault_beside_the_field_and_keeps_every_answer(app, signed_in):
    from test_pages import stored_count, submit
    r = submit(signed_in, {"title": "Typed by hand", "community.virtual_only": "true",
                           "community.face_to_face_meetings_per_year": "2",
                           "community.calls_per_month": "40",
                           "intervention.toolkit": ["guidelines", "protocols"],
                           "intervention.toolkit" + NONE_SUFFIX: "1"})
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and stored_count(app) == 0
    # the 'none' box beside ticked items is the form's own fault, found before the model's
    toolkit = _field_div(page, "f-intervention-toolkit")
    assert 'class="field has-error"' in toolkit
    assert "tick what applies, or &#39;none of these&#39;, not both" in toolkit
    assert toolkit.count("checked") == 3  # both ticks and 'none of these', as sent
    r = submit(signed_in, {"title": "Typed by hand", "community.virtual_only": "true",
                           "community.face_to_face_meetings_per_year": "2",
                           "community.calls_per_month": "40"})
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and stored_count(app) == 0
    virtual = _field_div(page, "f-community-virtual_only")
    assert 'class="field has-error"' in virtual and VIRTUAL_WORDS in virtual
    assert re.search(r'<option value="true"\s+selected', virtual)
    calls = _field_div(page, "f-community-calls_per_month")
    assert "must be at most 31, not 40" in calls and 'value="40"' in calls
    meetings = _field_div(page, "f-community-face_to_face_meetings_per_year")
    assert 'value="2"' in meetings and "has-error" not in meetings
    assert 'value="Typed by hand"' in page
    assert "Every community event virtual</a>: every community event is said" in page


def test_the_form_reads_none_typed_as_none_and_refuses_none_beside_names():
    form = MultiDict({"core_team.affiliations": "None",
                      "problem.peripheral_stakeholders": "pathology\nnone"})
    data = proposal_from_form(form)
    assert data["core_team"]["affiliations"] == []
    assert faults(data) == {"problem.peripheral_stakeholders": (
        "'none' is listed beside named items (pathology): give the names without 'none', or "
        "an empty list if there are none")}
    for path, sent, msg in [
            ("problem.peripheral_stakeholders", "pathology", "type the names, or tick 'none'"),
            ("intervention.menu_options.0.name", "an option",
             "fill in the options, or tick 'no menu'")]:
        field = path.removesuffix(".0.name")
        with pytest.raises(ProposalError) as caught:
            proposal_from_form(MultiDict({path: sent, field + NONE_SUFFIX: "1"}))
        (item,) = caught.value.errors
        assert item.loc == tuple(field.split(".")) and item.msg.startswith(msg)
    assert proposal_from_form(MultiDict({"intervention.toolkit" + NONE_SUFFIX: "1"})) == {
        "intervention": {"toolkit": []}}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_sheet_names_each_fault_by_row_and_column(fmt):
    from test_sheets import edit
    col = {c.path: i for i, c in enumerate(columns(), start=1)}
    data = template(fmt)
    bad = edit(fmt, data, {
        (4, 1): "Virtual", (4, col["community.virtual_only"]): "yes",
        (4, col["community.face_to_face_meetings_per_year"]): 2,
        (5, 1): "Mixed lists", (5, col["intervention.toolkit"]): "none; guidelines",
        (5, col["problem.peripheral_stakeholders"]): "pathology; none",
        (6, 1): "Busy", (6, col["community.calls_per_month"]): 40,
        (6, col["intervention.standardisation"]): "each site's own design",
        (6, col["intervention.customisation"]): "only how they implement"})
    with pytest.raises(SheetError) as caught:
        read_sheet(bad, f"round.{fmt}")
    got = {where(e): e.msg for e in caught.value.errors}

    def at(row: int, path: str) -> str:
        return f"row {row}, {by_path()[path].label} (column {letter(col[path])})"
    none_beside = "'none' beside other items: write 'none' alone when there are none, or " \
        "only the items"
    assert got == {
        at(4, "community.virtual_only"):
            "every community event is said to be virtual, but 2 face-to-face meetings a year "
            "are stated: meetings in person are not virtual",
        at(5, "intervention.toolkit"): none_beside,
        at(5, "problem.peripheral_stakeholders"): none_beside,
        at(6, "community.calls_per_month"):
            "Input should be less than or equal to 31 (the cell has 40)",
        at(6, "intervention.customisation"):
            "sites may adapt only how they implement, but what sites implement is each "
            "site's own design: a site that designs its own plan decides what it does, not "
            "only how",
    }
    fixed = edit(fmt, bad, {
        (4, col["community.face_to_face_meetings_per_year"]): 0,
        (5, col["intervention.toolkit"]): "guidelines",
        (5, col["problem.peripheral_stakeholders"]): "none",
        (6, col["community.calls_per_month"]): 31,
        (6, col["intervention.customisation"]): "both what and how"})
    rows = read_sheet(fixed, f"round.{fmt}")
    assert [r.proposal.problem.peripheral_stakeholders for r in rows] == [None, [], None]


def test_a_what_if_refuses_none_beside_choices():
    info = catalogue()["intervention.toolkit"]
    with pytest.raises(ProposalError) as caught:
        answer_from_text(info, "none; guidelines")
    (item,) = caught.value.errors
    assert item.loc == ("intervention", "toolkit") and item.msg.startswith("'none' beside")
    assert answer_from_text(info, "none") == [] and answer_from_text(
        info, "guidelines; protocols") == ["guidelines", "protocols"]


def test_guided_mode_refuses_an_answer_that_contradicts_the_draft(rulebook):
    draft = example("incomplete-draft")
    draft.setdefault("intervention", {})["customisation"] = "how_only"
    state = interview(draft, rulebook, rank=False)
    assert "intervention.standardisation" in {q.field for q in state.questions}
    with pytest.raises(AnswerError, match="a site that designs its own plan decides what"):
        apply(rulebook, state, "intervention.standardisation", "locally_designed")
    after = apply(rulebook, state, "intervention.standardisation", "standardised_core")
    assert after.data["intervention"]["standardisation"] == "standardised_core"


def test_the_bench_and_property_generators_only_make_consistent_proposals():
    from bench.generate import proposals
    for raw in proposals(300, seed=20):
        parse_proposal(raw)  # bounds and cross-field checks hold (or this raises)
