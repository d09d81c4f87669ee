"""The rule files themselves: every lesson covered, every rule cited and tested by its own
examples."""

import re

import pytest

from ccrules.authoring.checks import all_problems, uncovered_lessons
from ccrules.errors import RuleError
from ccrules.judging.judge import judge_for
from ccrules.rulebook import load_rulebook
from ccrules.rulebook.model import Severity

RULES = load_rulebook().rules


def test_every_lesson_has_a_rule(rulebook):
    assert uncovered_lessons(rulebook) == []
    assert sorted(rulebook.lessons_covered(), key=lambda x: int(x[1:])) == [
        f"L{i}" for i in range(1, 36)]


def test_rule_files_pass_every_check(rulebook):
    assert [str(p) for p in all_problems(rulebook)] == []


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_examples_behave_in_both_engines(rule, rulebook):
    from ccrules.proposal import parse_proposal
    from ccrules.proposal.facts import flatten
    fires = flatten(parse_proposal(rule.examples.fires))
    quiet = flatten(parse_proposal(rule.examples.does_not_fire))
    assert judge_for(rulebook).evaluators[rule.id](fires) is True
    assert rule.id in judge_for(rulebook).durable.fire(fires)
    assert judge_for(rulebook).evaluators[rule.id](quiet) is False
    assert rule.id not in judge_for(rulebook).durable.fire(quiet)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_texts_cite_the_paper(rule):
    assert re.search(r"§(1\.2|2\.[1-6]|3|4)\b", rule.citation), rule.citation
    assert rule.message[0].isupper() and rule.recommendation[0].isupper()
    assert rule.id.startswith({"problem_fit": "PF", "mobilisation": "MO", "community": "CO",
                               "implementation": "IM", "measurement": "ME", "context": "CX",
                               "balance": "BA"}[rule.dimension.value])


def test_strengths_exist_in_every_dimension(rulebook):
    dims = {r.dimension for r in rulebook.rules if r.severity == Severity.strength}
    assert dims == set(rulebook.policy.dimensions)


def test_only_problem_fit_has_blockers(rulebook):
    """Blockers are the gate: design faults elsewhere can be fixed by conditions of award."""
    assert {r.dimension.value for r in rulebook.rules if r.severity == Severity.blocker} == {
        "problem_fit"}


def test_broken_examples_are_caught(rules_copy):
    path = rules_copy / "community.yaml"
    text = path.read_text().replace("community: {planned_from_outset: false}\n      does_not",
                                    "community: {planned_from_outset: true}\n      does_not", 1)
    path.write_text(text)
    problems = [str(p) for p in all_problems(load_rulebook(rules_copy))]
    assert any(p.startswith("community.yaml:") and "CO-02: examples.fires: expected the rule "
               "to fire, but the Python evaluator says false and durable_rules did not fire"
               in p for p in problems), problems


def test_uncovered_lesson_refuses_to_load(rules_copy):
    path = rules_copy / "context.yaml"
    path.write_text(path.read_text().replace("lessons: [L33]", "lessons: [L32]"))
    assert uncovered_lessons(load_rulebook(rules_copy)) == []  # PF-07 still cites L33
    path = rules_copy / "problem_fit.yaml"
    path.write_text(path.read_text().replace("lessons: [L3, L33]", "lessons: [L3]"))
    with pytest.raises(RuleError) as caught:
        load_rulebook(rules_copy)
    assert [str(p) for p in caught.value.problems] == [
        "lessons.yaml: lesson L33 (" + load_rulebook().lesson_title("L33") + ") has no rule"]


def test_rules_without_a_lessons_file_refuse_to_load(rules_copy):
    (rules_copy / "lessons.yaml").unlink()
    with pytest.raises(RuleError) as caught:
        load_rulebook(rules_copy)
    assert "no lessons file" in str(caught.value.problems[0])


def test_a_rule_citing_an_unknown_lesson_is_named(rules_copy):
    path = rules_copy / "lessons.yaml"
    text = path.read_text()
    start = text.index("  L33:")
    end = text.index("  L34:")
    path.write_text(text[:start] + text[end:])
    with pytest.raises(RuleError) as caught:
        load_rulebook(rules_copy)
    problems = [str(p) for p in caught.value.problems]
    assert "lessons.yaml: lessons missing: L33" in problems
