"""One test for each sharp edge of durable_rules listed in shared/notes/durable-rules.md.

Each "raw" test shows the edge is real in the engine's Python layer (so an upgrade that
changes it is noticed); each wrapper test shows ccrules.durable_engine, which drives the C
core directly, does not have it.
"""

import copy
import json
import re
import sys
import threading
import tomllib
from pathlib import Path

import durable.engine as raw_engine
import durable_rules_engine as core
import pytest

import ccrules.rulebook.durable as wrapper
from ccrules.errors import EngineError, ProposalError
from ccrules.judging.judge import judge_for
from ccrules.proposal import parse_proposal
from ccrules.proposal.facts import flatten
from ccrules.rulebook.conditions import parse
from ccrules.rulebook.durable import KIND_KEY, KIND_VALUE, SENTINEL, DurableRuleset

ROOT = Path(__file__).resolve().parent.parent


def ruleset(**conds) -> DurableRuleset:
    return DurableRuleset((rid, parse(c)) for rid, c in conds.items())


def facts(**groups) -> dict:
    return flatten(parse_proposal(groups))


CALLS_LOW = {"field": "community.calls_per_month", "op": "lt", "value": 1}
CALLS_SOME = {"field": "community.calls_per_month", "op": "ge", "value": 0}
VOLUNTARY = {"field": "enrolment.data_submission", "op": "in",
             "value": ["voluntary", "none", "mandatory"]}


class QuietHost(raw_engine.Host):
    """The engine's own Host, minus its dispatcher thread (for the raw demonstrations)."""

    def _run(self):
        return None


def raw_host(rules: dict):
    """A bare engine host with counting actions, no dispatcher thread."""
    calls: list[str] = []

    def action_for(rid):
        def action(c):
            calls.append(rid)
        return action
    host = QuietHost()
    definition = {rid: {"all": [{"m": m}], "run": action_for(rid)} for rid, m in rules.items()}
    host.register_rulesets({"t": definition})
    return host, calls


def test_python_version_pin_matches_the_engine():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert meta["requires-python"] == ">=3.11,<3.13"
    assert (3, 11) <= sys.version_info[:2] < (3, 13)
    import durable_rules_engine  # the C extension imports on this interpreter
    assert hasattr(durable_rules_engine, "create_ruleset")


def test_registration_mutates_the_definition_but_not_ours():
    definition = {"t": {"r": {"all": [{"m": {"a": 1}}], "run": lambda c: None}}}
    QuietHost().register_rulesets(definition)
    assert "run" not in definition["t"]["r"]  # the Host removed it
    rs = ruleset(r1=CALLS_LOW)
    before = copy.deepcopy(rs.definition)
    again = DurableRuleset([("r1", parse(CALLS_LOW))])  # the wrapper sends JSON: no mutation
    assert rs.definition == before == again.definition
    assert "run" not in json.dumps(rs.definition)


def test_a_name_registers_once_but_each_wrapper_has_its_own():
    host = QuietHost()
    host.register_rulesets({"t": {"r": {"all": [{"m": {"a": 1}}], "run": lambda c: None}}})
    with pytest.raises(Exception, match="already registered"):
        host.register_rulesets({"t": {"r": {"all": [{"m": {"a": 1}}], "run": lambda c: None}}})
    first, second = ruleset(r1=CALLS_LOW), ruleset(r1=CALLS_LOW)  # e.g. a reload
    assert first.name != second.name
    low = facts(community={"calls_per_month": 0})
    assert first.fire(low) == second.fire(low) == {"r1"}


def test_post_consumes_the_event_but_assert_fact_fires_every_rule():
    host, calls = raw_host({"a": {"x": 1}, "b": {"$gt": {"x": 0}}, "c": {"$lt": {"x": 5}}})
    host.post("t", {"sid": "1", "x": 1})
    assert len(calls) == 1
    rs = ruleset(a=CALLS_LOW, b=CALLS_SOME, c={"field": "community.calls_per_month",
                                                "op": "le", "value": 0.5})
    assert rs.fire(facts(community={"calls_per_month": 0})) == {"a", "b", "c"}


def test_no_match_is_an_exception_in_the_engine_and_empty_in_the_wrapper():
    host, _ = raw_host({"a": {"x": 1}})
    with pytest.raises(raw_engine.MessageNotHandledException):
        host.assert_fact("t", {"sid": "1", "x": 2})
    assert ruleset(a=CALLS_LOW).fire(facts(community={"calls_per_month": 3})) == set()


def test_a_fresh_ruleset_whose_first_proposals_match_nothing_survives():
    # Deleting state after a no-match on a fresh ruleset crashed the process here; the
    # wrapper's sentinel rule means the engine always has a match.
    for _ in range(5):
        rs = ruleset(a=CALLS_LOW, b=VOLUNTARY)
        for _ in range(3):
            assert rs.fire(facts(community={"calls_per_month": 3})) == set()
        assert rs.fire(facts(community={"calls_per_month": 0})) == {"a"}


def test_state_is_deleted_so_the_live_sid_cap_is_never_reached():
    rs = ruleset(a=CALLS_LOW)
    low, high = facts(community={"calls_per_month": 0}), facts(community={"calls_per_month": 5})
    for i in range(1500):  # more than the 1,024 live sids a ruleset can hold
        assert rs.fire(low if i % 2 else high) == ({"a"} if i % 2 else set())
    for sid in ("1", "750", "1500"):  # every sid's state was deleted after its call
        with pytest.raises(core.error, match="Could not get state"):
            core.get_state(rs._handle, sid)


def test_no_dispatcher_thread_and_safe_under_threads():
    assert threading.Timer in [type(t) for t in _started_by(raw_engine.Host)]  # raw: a timer
    assert _started_by(lambda: ruleset(a=CALLS_LOW)) == []  # the wrapper starts no thread
    rs = ruleset(a=CALLS_LOW, b=VOLUNTARY)
    cases = [(facts(community={"calls_per_month": i % 3},
                    enrolment={"data_submission": ["voluntary", "mandatory_with_exit"][i % 2]}),
              ({"a"} if i % 3 == 0 else set()) | ({"b"} if i % 2 == 0 else set()))
             for i in range(12)]
    errors: list[str] = []

    def worker():
        for n in range(250):
            f, want = cases[n % len(cases)]
            got = rs.fire(f)
            if got != want:
                errors.append(f"{got} != {want}")
    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def _started_by(make) -> list:
    before = set(threading.enumerate())
    host = make()
    started = [t for t in threading.enumerate() if t not in before]
    for t in started:
        t.cancel()
    del host
    return started


class Recorder:
    """Stands in for the C core and records each action message the wrapper takes."""

    def __init__(self):
        self.messages: list[str] = []

    def __getattr__(self, name):
        return getattr(core, name)

    def start_action_for_state(self, handle, state):
        result = core.start_action_for_state(handle, state)
        if result:
            self.messages.append(result[1])
        return result

    def complete_and_start_action(self, handle, state):
        message = core.complete_and_start_action(handle, state)
        if message:
            self.messages.append(message)
        return message


def test_every_rule_carries_the_discriminator_and_fires_once(monkeypatch):
    rs = ruleset(a={"field": "community.calls_per_month", "op": "ne", "value": 3})
    assert rs.definition["a"]["all"][0]["m"]["$and"][0] == {KIND_KEY: KIND_VALUE}
    recorder = Recorder()
    monkeypatch.setattr(wrapper, "_core", recorder)
    assert rs.fire(facts(community={"calls_per_month": 1})) == {"a"}
    keys = sorted(json.loads(m).popitem()[0] for m in recorder.messages)
    assert keys == sorted(["a", SENTINEL])  # once each: the state fact never re-matched


def test_or_fires_once_per_branch_in_the_engine_but_once_in_the_wrapper(monkeypatch):
    host, calls = raw_host({"a": {"$or": [{"x": 1}, {"$gt": {"x": 0}}]}})
    host.assert_fact("t", {"sid": "1", "x": 1})
    assert calls == ["a", "a"]
    rs = ruleset(a={"any": [CALLS_LOW, CALLS_SOME]})
    recorder = Recorder()
    monkeypatch.setattr(wrapper, "_core", recorder)
    assert rs.fire(facts(community={"calls_per_month": 0})) == {"a"}
    assert [json.loads(m).popitem()[0] for m in recorder.messages].count("a") == 2


def test_exceptions_inside_actions_are_swallowed_by_the_host_but_surface_here(monkeypatch):
    def boom(c):
        raise RuntimeError("action failed")
    host = QuietHost()
    host.register_rulesets({"t": {"a": {"all": [{"m": {"x": 1}}], "run": boom}}})
    state = host.assert_fact("t", {"sid": "1", "x": 1})  # no exception reaches the caller
    assert "action failed" in state["exception"]
    rs = ruleset(a=CALLS_LOW)  # no Python action runs inside the engine; engine errors raise

    class Failing(Recorder):
        def assert_fact(self, handle, payload):
            raise core.error("Could not assert fact, error code: 999")
    monkeypatch.setattr(wrapper, "_core", Failing())
    with pytest.raises(EngineError, match="error code: 999"):
        rs.fire(facts(community={"calls_per_month": 0}))


def test_missing_field_is_unknown_not_false():
    host, calls = raw_host({"ne": {"$neq": {"x": 1}}, "other": {"y": 1}})
    host.assert_fact("t", {"sid": "1", "y": 1})
    assert calls == ["other"]  # $neq on an absent field is false in the engine
    rs = ruleset(ne={"field": "community.calls_per_month", "op": "ne", "value": 3},
                 negated={"not": {"field": "community.calls_per_month", "op": "eq",
                                  "value": 3}})
    assert rs.fire(facts()) == set()  # unknown: neither fires
    assert rs.fire(facts(community={"calls_per_month": 1})) == {"ne", "negated"}


def test_list_does_not_contain_uses_helper_keys():
    rs = ruleset(no_nurse={"field": "enrolment.minimum_team", "op": "not_contains",
                           "value": "nurse_lead"},
                 small={"field": "enrolment.minimum_team", "op": "count_lt", "value": 2})
    assert rs.fire(facts()) == set()  # list unknown
    assert rs.fire(facts(enrolment={"minimum_team": []})) == {"no_nurse", "small"}
    assert rs.fire(facts(enrolment={"minimum_team": ["nurse_lead"]})) == {"small"}


def test_loose_engine_types_never_reach_it():
    host, calls = raw_host({"two": {"x": 2}})
    host.assert_fact("t", {"sid": "1", "x": "2"})
    assert calls == ["two"]  # the engine thinks "2" == 2
    for bad in ({"community": {"calls_per_month": "2"}}, {"community": {"social_time": 1}},
                {"community": {"social_time": "true"}}):
        with pytest.raises(ProposalError):
            parse_proposal(bad)


def test_batches_drop_every_action_so_the_wrapper_takes_one_proposal_per_call():
    host, calls = raw_host({"a": {"x": 1}})
    with pytest.raises(raw_engine.MessageNotHandledException):
        host.assert_facts("t", [{"sid": "1", "id": "1", "x": 1}, {"sid": "1", "id": "2",
                                                                  "y": 1}])
    assert calls == []  # the matching fact's action never ran
    with pytest.raises(TypeError):
        ruleset(a=CALLS_LOW).fire([facts(), facts()])


def test_rule_names_come_from_the_engine_not_from_callables():
    two_args = raw_engine.Promise(lambda c, done: None)
    assert two_args._sync is False  # the Host would treat such an action as asynchronous
    rs = ruleset(first=CALLS_LOW, second=CALLS_SOME)
    assert all(set(rule) == {"all"} for rule in rs.definition.values())  # no callables
    assert rs.fire(facts(community={"calls_per_month": 2})) == {"second"}
    assert rs.fire(facts(community={"calls_per_month": 0})) == {"first", "second"}


def test_the_fact_is_small_flat_and_holds_only_what_rules_read(rulebook):
    michigan = json.loads((ROOT / "examples" / "michigan-keystone.json").read_text())
    fact = judge_for(rulebook).durable.encode(flatten(parse_proposal(michigan)))
    assert all(re.fullmatch(r"f\d+", k) for k in fact if k != KIND_KEY)
    assert all(not isinstance(v, (dict, list)) for v in fact.values())
    assert "title" not in json.dumps(fact) and len(json.dumps(fact)) < 1200


def test_a_ruleset_is_deleted_from_the_engine_with_its_wrapper(rulebook):
    """Edge: the C core keeps every ruleset until told (about 0.75 MiB each here); each
    reload, and each test's rulebook, leaked one. The wrapper deletes it when collected."""
    import gc

    import durable_rules_engine as core
    rs = DurableRuleset((r.id, r.when) for r in rulebook.rules)
    handle, finalizer = rs._handle, rs._finalizer
    assert rs.fire({}) == set()
    del rs
    gc.collect()
    assert not finalizer.alive
    with pytest.raises(core.error):  # the engine no longer knows the handle
        core.assert_fact(handle, '{"kind": "p", "sid": "1"}')
