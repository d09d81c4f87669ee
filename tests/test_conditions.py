"""Condition trees: parsing with clear faults, and three-valued evaluation."""

import pytest

from ccrules.rulebook.conditions import (
    All,
    Any_,
    ConditionFault,
    Leaf,
    Not,
    compile_python,
    negation_normal_form,
    parse,
)

T, F, U = True, False, None
X = "problem.departments_involved"


def leaf_for(value):
    """A leaf that is true when X >= 1, false when X == 0, unknown when X is unknown."""
    return {"field": X, "op": "ge", "value": 1}, {X: {T: 3, F: 0, U: None}[value]}


def three(op, a, b):
    """Evaluate op(a, b) through real leaves on two fields."""
    fields = ("problem.departments_involved", "intervention.core_element_count")
    facts = {f: {T: 3, F: 0, U: None}[v] for f, v in zip(fields, (a, b), strict=True)}
    kids = [{"field": f, "op": "ge", "value": 1} for f in fields]
    return compile_python(parse({op: kids}))(facts)


@pytest.mark.parametrize("a, b, want_all, want_any", [
    (T, T, T, T), (T, F, F, T), (F, F, F, F),
    (T, U, U, T), (F, U, F, U), (U, U, U, U),
])
def test_kleene_all_and_any(a, b, want_all, want_any):
    assert three("all", a, b) is want_all
    assert three("all", b, a) is want_all
    assert three("any", a, b) is want_any
    assert three("any", b, a) is want_any


@pytest.mark.parametrize("value, want", [(T, F), (F, T), (U, U)])
def test_not_keeps_unknown(value, want):
    raw, facts = leaf_for(value)
    assert compile_python(parse({"not": raw}))(facts) is want


def test_negation_normal_form_pushes_not_into_leaves():
    tree = parse({"not": {"all": [
        {"field": "enrolment.data_submission", "op": "in", "value": ["voluntary", "none"]},
        {"not": {"field": "core_team.expertise", "op": "contains",
                 "value": "evidence"}}]}})
    assert negation_normal_form(tree) == Any_((
        Leaf("enrolment.data_submission", "not_in", ("voluntary", "none")),
        Leaf("core_team.expertise", "contains", "evidence"),
    ))


@pytest.mark.parametrize("raw, message", [
    ({"field": "problem.evidnce_base", "op": "eq", "value": "strong"},
     "unknown field 'problem.evidnce_base' (did you mean 'problem.evidence_base'?)"),
    ({"field": "problem.evidence_base", "op": "gt", "value": "strong"},
     "operator 'gt' does not apply to problem.evidence_base (enum)"),
    ({"field": "problem.evidence_base", "op": "eq", "value": "stong"},
     "'stong' is not one of strong, emerging, contested, none (did you mean 'strong'?)"),
    ({"field": "community.calls_per_month", "op": "ge", "value": "2"}, "needs a number"),
    ({"field": "community.calls_per_month", "op": "ge", "value": {"field": "x"}},
     "a value from the policy is written {param: name}"),
    ({"field": "community.calls_per_month", "op": "ge", "value": {"param": "calls"}},
     "no parameter 'calls' in the policy"),
    ({"field": "community.calls_per_month", "op": "ge", "value": 2, "paper": "line 3"},
     "paper is the line a figure comes from"),
    ({"field": "community.social_time", "op": "eq", "value": "yes"}, "needs true or false"),
    ({"field": "enrolment.data_submission", "op": "in", "value": []},
     "needs a non-empty list"),
    ({"field": "core_team.affiliations", "op": "count_ge", "value": -1},
     "needs a whole number"),
    ({"field": "title", "op": "eq", "value": "x"}, "rules cannot test this field"),
    ({"field": "problem.scope", "op": "eq"}, "has no value"),
    ({"field": "problem.scope", "op": "eq", "value": "unit_bundle", "extra": 1},
     "unknown key(s) ['extra']"),
    ({"all": []}, "'all' needs a non-empty list"),
    ({"alll": [{"field": "problem.scope", "op": "eq", "value": "unit_bundle"}]},
     "did you mean 'all'?"),
    ("problem.scope == unit_bundle", "a condition must be a mapping"),
])
def test_parse_faults_are_clear(raw, message):
    with pytest.raises(ConditionFault) as info:
        parse(raw)
    assert message in info.value.msg


def test_fault_path_points_inside_the_tree():
    with pytest.raises(ConditionFault) as info:
        parse({"all": [{"field": "problem.scope", "op": "eq", "value": "unit_bundle"},
                       {"not": {"field": "nope", "op": "eq", "value": 1}}]})
    assert info.value.path == ["all", 1, "not"]


def test_leaf_describes_itself():
    assert Leaf("enrolment.data_submission", "in", ("voluntary", "none")).describe() == \
        "enrolment.data_submission in voluntary, none"
    assert isinstance(parse({"not": {"field": X, "op": "ge", "value": 1}}), Not)
    assert isinstance(parse({"all": [{"field": X, "op": "ge", "value": 1}]}), All)
