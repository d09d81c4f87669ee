"""The cost of an evaluation, bounded by work counted (not by the clock, so these results
are the same on any machine): thousands of generated proposals at every level of stated
fields evaluate without an error; the saved slowest proposals stay within their search
budgets; a search cut at its budget says so in the evaluation."""

from __future__ import annotations

import json

import pytest
from bench.generate import proposals

from ccrules.explaining import counterfactuals as cf
from ccrules.screening.evaluate import evaluate

from helpers import ROOT, example
from strategies import scaled

COST = ROOT / "tests" / "scenarios" / "cost"
LEVELS = (0.4, 0.6, 0.8, 1.0)


@pytest.mark.slow
@pytest.mark.parametrize("known", LEVELS)
def test_generated_proposals_at_every_level_evaluate_without_an_error(rulebook, known):
    """Fixed at their root, not caught: the engine-error and derived-override proposals
    (tests/scenarios/cost) are among the kinds this population holds."""
    for data in proposals(scaled(1000), seed=4000 + int(known * 10), known=known):
        ev = evaluate(data, rulebook)  # raises on an engine disagreement
        assert ev.search.counterfactual_nodes <= cf.BUDGET


@pytest.mark.parametrize("path", sorted(COST.glob("*.json")), ids=lambda p: p.stem)
def test_the_saved_costly_proposals_stay_within_their_budgets(rulebook, path):
    ev = evaluate(json.loads(path.read_text()), rulebook)
    assert ev.search.verdict_range == "complete"
    # the slowest generated proposals found by bench.explain took at most 113 nodes when
    # saved; a regression that makes the search wander shows here, whatever the machine
    assert ev.search.counterfactual_nodes <= 150, ev.search


def test_a_search_cut_at_its_budget_says_so(rulebook, monkeypatch):
    data = example("michigan-keystone")
    data["enrolment"]["data_submission"] = "voluntary"  # IM-06
    data["community"]["planned_from_outset"] = False  # CO-02: two changes to recommended
    full = evaluate(data, rulebook)
    assert full.search.counterfactuals == "complete" and full.counterfactuals
    assert full.search.counterfactual_nodes > 2
    monkeypatch.setattr(cf, "BUDGET", 2)
    cut = evaluate(data, rulebook)
    assert cut.search.counterfactuals == "cut at budget"
    assert cut.search.counterfactual_nodes == 2
    assert len(cut.counterfactuals) < len(full.counterfactuals)


def test_a_range_search_cut_at_its_budget_keeps_the_verdict_open(rulebook, monkeypatch):
    from ccrules.judging import judge as j
    data = example("sepsis-bundle-emergency-departments")
    data.pop("problem")  # open facts to search
    monkeypatch.setattr(j, "RULE_BUDGET", 1)
    judge = j.Judge(rulebook.rules, rulebook.policy)  # a judge of its own: no memo yet
    from ccrules.proposal.facts import flatten
    from ccrules.proposal.reading import parse_proposal
    judged = judge.judge(flatten(parse_proposal(data)))
    assert judged.cut and judged.verdict.value == "insufficient_information"


def test_caches_are_bounded_and_freed_with_the_rulebook():
    """Per-rulebook work lives on its judge, which goes with the rulebook; what is kept by
    condition tree is in bounded caches, so reloads never pile up."""
    import gc
    import weakref

    from ccrules.judging.judge import MEMO_SIZE, judge_for
    from ccrules.rulebook import load_rulebook
    from ccrules.rulebook.conditions import TREE_CACHE, compile_python, negation_normal_form

    rulebook = load_rulebook()
    judge = judge_for(rulebook)
    evaluate(example("incomplete-draft"), rulebook)
    assert judge._firing and len(judge._firing) <= MEMO_SIZE
    gone = weakref.ref(judge)
    del judge, rulebook
    gc.collect()
    assert gone() is None  # the memo went with it
    for cached in (compile_python, negation_normal_form):
        assert cached.cache_info().maxsize == TREE_CACHE


def test_kept_work_forgets_its_oldest_first_and_stays_within_its_bound():
    """ccrules.kept.Kept, which the rule files' parses and the truth tables are kept in."""
    from ccrules.kept import Kept
    kept = Kept(10, lambda key, value: len(value))
    for key in "abc":
        kept.put(key, "xxxx")  # 4 each: c pushes a out
    assert [k for k, _ in kept.items()] == ["b", "c"] and kept.total == 8
    assert kept.get("a") is None and kept.get("b") == "xxxx"
    kept.put("b", "yy")  # already kept: left as it is
    assert kept.get("b") == "xxxx" and kept.total == 8
    kept.put("d", "z" * 12)  # larger than the bound: kept alone
    assert [k for k, _ in kept.items()] == ["d"] and kept.total == 12
    capped = Kept(10, lambda key, value: len(value), largest=5)
    capped.put("e", "z" * 6)  # larger than the largest kept: not kept
    assert len(capped) == 0 and capped.total == 0
