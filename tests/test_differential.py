"""Property tests: durable_rules and the Python evaluator agree on every rule, and an unknown
fact is never read as an answer."""

import itertools

from hypothesis import HealthCheck, given, settings

from ccrules.judging.judge import judge_for
from ccrules.proposal import parse_proposal
from ccrules.proposal.facts import flatten
from ccrules.resources import builtin_rules
from ccrules.rulebook import load_rulebook
from ccrules.rulebook.conditions import compile_python, fields_of, negation_normal_form

from helpers import example
from strategies import consistent, merge, scaled, seeded_proposals

RULEBOOK = load_rulebook(builtin_rules())
SETTINGS = settings(max_examples=scaled(500), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])
NNF = {r.id: compile_python(negation_normal_form(r.when)) for r in RULEBOOK.rules}


@SETTINGS
@given(seeded_proposals(RULEBOOK))
def test_durable_rules_and_python_agree_on_every_rule(raw):
    facts = flatten(parse_proposal(raw))
    fired = judge_for(RULEBOOK).durable.fire(facts)
    for rule in RULEBOOK.rules:
        python = judge_for(RULEBOOK).evaluators[rule.id](facts)
        assert (python is True) == (rule.id in fired), (rule.id, python)
        assert NNF[rule.id](facts) is python, rule.id  # what the engine compiles is equal


@settings(max_examples=scaled(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seeded_proposals(RULEBOOK), seeded_proposals(RULEBOOK))
def test_unknown_is_never_read_as_an_answer(raw, other):
    """A rule decided while a fact is unknown keeps its outcome whatever that fact turns out
    to be (Kleene logic is monotone): silence is neither compliance nor failure."""
    facts = flatten(parse_proposal(raw))
    filled = flatten(parse_proposal(other))
    for rule in RULEBOOK.rules:
        before = judge_for(RULEBOOK).evaluators[rule.id](facts)
        if before is None:
            continue
        merged = dict(facts)
        for field in fields_of(rule.when):
            if merged[field] is None:
                merged[field] = filled[field]
        assert judge_for(RULEBOOK).evaluators[rule.id](merged) is before, rule.id


BASES = ["michigan-keystone", "ilcop", "incomplete-draft", "ilcop-redesigned"]
FRAGMENTS = [(r.id, name, frag) for r in RULEBOOK.rules
             for name, frag in (("fires", r.examples.fires),
                                ("does_not_fire", r.examples.does_not_fire))]


def test_engines_agree_on_every_rule_example_in_realistic_contexts():
    """Deterministic complement to the property test: each rule's own example fragments,
    laid over real example proposals, reach every rule's edges."""
    reached = {r.id: set() for r in RULEBOOK.rules}
    for base, (rule_id, name, fragment) in itertools.product(BASES, FRAGMENTS):
        facts = flatten(parse_proposal(consistent(merge(example(base), fragment))))
        fired = judge_for(RULEBOOK).durable.fire(facts)
        for rule in RULEBOOK.rules:
            python = judge_for(RULEBOOK).evaluators[rule.id](facts)
            assert (python is True) == (rule.id in fired), (rule_id, name, rule.id)
            reached[rule.id].add(python)
    # (an overlaid fragment need not fire its rule: the base's other answers can decide it)
    assert [rid for rid, seen in reached.items() if True not in seen] == []
