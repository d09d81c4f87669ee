"""The judge: one per rulebook, the one way from facts to a judgement, with the engine's
cross-check or without it (for searches), and the values worth trying per field."""

import gc
import weakref

import pytest

from ccrules.errors import EngineError
from ccrules.judging.judge import Judge, judge_for
from ccrules.proposal.facts import flatten
from ccrules.proposal.reading import parse_proposal
from ccrules.resources import builtin_rules
from ccrules.rulebook import load_rulebook

from helpers import example, example_names


def test_one_judge_per_rulebook_kept_only_as_long_as_the_rulebook(rulebook):
    assert judge_for(rulebook) is judge_for(rulebook)
    other = load_rulebook(builtin_rules())
    judge = judge_for(other)
    assert judge is not judge_for(rulebook)
    gone = weakref.ref(judge)
    del judge, other
    gc.collect()
    assert gone() is None


@pytest.mark.parametrize("name", example_names())
def test_python_only_and_engine_checked_judgements_agree(rulebook, name):
    judge = judge_for(rulebook)
    facts = flatten(parse_proposal(example(name)))
    checked, fast = judge.judge(facts), judge.judge(facts, engine=False)
    assert checked == fast
    ids = [r.id for r in checked.outcome.fired]
    order = [r.id for r in judge.rules]
    assert ids == sorted(ids, key=order.index)  # report order, decided once


def test_the_engine_check_fails_closed(rulebook, monkeypatch):
    judge = Judge(rulebook.rules, rulebook.policy)
    monkeypatch.setattr(type(judge.durable), "fire", lambda self, facts: {"PF-01"})
    facts = flatten(parse_proposal(example("michigan-keystone")))
    with pytest.raises(EngineError, match="durable_rules and the Python evaluator disagree"):
        judge.judge(facts)
    assert judge.judge(facts, engine=False).verdict.value == "recommended"


def test_domain_covers_both_sides_of_every_threshold(rulebook):
    judge = judge_for(rulebook)
    numbers = judge.cuts["enrolment.local_lead_time_pct"]["numbers"]
    values = judge.domain("enrolment.local_lead_time_pct")
    for t in numbers:
        assert any(v < t for v in values) and any(v >= t for v in values)
    exhaustive = judge.domain("enrolment.local_lead_time_pct", exhaustive=True)
    assert set(values) <= set(exhaustive)
    assert judge.domain("intervention.standardisation") == [
        "standardised_core", "menu_of_options", "locally_designed"]
