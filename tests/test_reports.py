"""Reports a programme officer can act on (issue 15): a brief first, short enough for one
page, in a funder's words; conditions stated once under shared headings; a not-recommended
proposal gets changes for a resubmission, never conditions of award."""

from __future__ import annotations

import re

import pytest

from ccrules.cli import main
from ccrules.report.markdown import render_markdown
from ccrules.report.text import render_text
from ccrules.screening.evaluate import evaluate

from helpers import EXAMPLES, example, example_names

# report layout: on the small fixed rules (tests/fixtures/rules)
pytestmark = pytest.mark.mechanism

FIELD_PATH = re.compile(r"\b(problem|intervention|core_team|enrolment|measurement|community|"
                        r"context|derived)(\\?)\.[a-z]")


def test_the_ilcop_brief_fits_a_page(runner):
    result = runner.invoke(main, ["evaluate", str(EXAMPLES / "ilcop.json"), "--brief"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert len(lines) <= 60
    assert "Before the award is confirmed" not in result.output
    assert lines[0] == "VERDICT: NOT RECOMMENDED"
    for heading in ("IF RESUBMITTED", "ALTERNATIVES (THE PAPER'S TENTATIVE COMPROMISE, AND "
                    "CCRULES' READINGS)"):
        assert heading in lines
    assert "allows at most a conditional award for this problem" in " ".join(result.output.split())
    assert "APPENDIX" not in result.output


@pytest.mark.parametrize("name", example_names())
def test_reports_speak_plainly(name, rulebook):
    ev = evaluate(example(name), rulebook)
    for text in (render_text(ev), render_markdown(ev)):
        assert "the rule fires on" not in text
        assert "(s)" not in text
        assert not FIELD_PATH.search(text), FIELD_PATH.search(text)
        assert not re.search(r"\d\.\d{2,}", text.split("Ruleset")[0]), "unrounded number"


@pytest.mark.parametrize("name", example_names())
def test_every_lesson_code_shows_its_title(name, rulebook):
    ev = evaluate(example(name), rulebook)
    text = " ".join(render_text(ev).split())
    for code in set(re.findall(r"\bL\d{1,2}\b", text)):
        assert f"{code} ({rulebook.lesson_title(code)})" in text, code


def test_conditions_are_stated_once_under_shared_headings(rulebook):
    data = example("ilcop-paper-alternative")
    data["enrolment"]["commitment"] = "ceo_signoff"  # no letter: a second enrolment finding
    ev = evaluate(data, rulebook)
    text = " ".join(render_text(ev, brief=True).split())
    assert text.count("Before the award is confirmed, the applicant must:") == 1
    heading = ("Make enrolment conditional on minimum commitments from each site's team "
               "and chief executive:")
    assert text.count(heading) == 1
    under = [c for c in ev.conditions if c.group_heading == heading.rstrip(":")]
    assert len(under) >= 2  # several findings, one heading
    for c in ev.conditions:
        assert text.count(" ".join(c.action.split())) <= 1


def test_each_verdict_has_its_own_next_steps(rulebook):
    briefs = {name: render_text(evaluate(example(name), rulebook), brief=True)
              for name in ("michigan-keystone", "sepsis-bundle-emergency-departments",
                           "ilcop", "incomplete-draft")}
    assert "NEXT" in briefs["michigan-keystone"]
    assert "CONDITIONS OF AWARD" in briefs["sepsis-bundle-emergency-departments"]
    assert "IF RESUBMITTED" in briefs["ilcop"]
    draft = briefs["incomplete-draft"]
    assert "QUESTIONS TO ASK" in draft and "1. " in draft
    assert "CONDITIONS OF AWARD" not in draft and "IF RESUBMITTED" not in draft


def test_the_why_names_the_deciding_findings_in_three_sentences_at_most(rulebook):
    for name in example_names():
        ev = evaluate(example(name), rulebook)
        assert 1 <= len(ev.why) <= 3
    ilcop = evaluate(example("ilcop"), rulebook)
    assert "each site designs its own intervention" in ilcop.why[0]


def test_counterfactuals_keep_design_and_problem_apart(rulebook):
    data = example("michigan-keystone")
    data["problem"]["scope"] = "organisation_wide"  # PF-02: the problem itself
    ev = evaluate(data, rulebook)
    text = render_text(ev)
    assert ev.counterfactuals and not any(c.by_design for c in ev.counterfactuals)
    assert "WHAT A DIFFERENT PROGRAMME WOULD CHANGE" in text
    assert "WHAT WOULD RAISE THE VERDICT" not in text  # no design change would
    assert "How bounded the problem is: one practice in one kind of unit (now: " \
           "organisation-wide)" in " ".join(text.split())
    for c in ev.counterfactuals:
        for change in c.changes:
            assert not FIELD_PATH.search(change.text)
            assert "(now: " in change.text
