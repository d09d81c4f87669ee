"""The one module that talks to durable_rules. It hides every sharp edge the engine has
(shared/notes/durable-rules.md; tests/test_durable_engine.py has a test for each):

- one private Host per ruleset, whose background dispatcher thread is switched off, so actions
  run on the caller's thread; never the module-wide `durable.lang` host;
- the definition is deep-copied before registration (registration mutates it), and every
  ruleset gets a fresh name and host (a name registers once; there is no unregister);
- `assert_fact`, never `post` (an event is consumed by the first matching rule);
- "no rule matched" (MessageNotHandledException) must not happen: after it, deleting the
  sid's state crashed the process (seen here when a fresh ruleset's first fact matched
  nothing), so a sentinel rule matches every proposal and its action does nothing;
- a fresh sid per evaluation and `delete_state` in a `finally`; a lock keeps at most one sid
  alive, far from the cap of 1,024 live sids per ruleset;
- every rule carries a discriminator term only our fact has, so the engine's own state fact
  can never match;
- a rule fires once per matching `$or` branch: fired ids are a set;
- an exception inside an action is swallowed by the engine: the returned state is checked
  and the error re-raised as EngineError;
- negation is pushed into the leaves (the engine's `$neq` on an absent field is false, which is
  exactly "unknown is not false"), list tests use helper keys, values are literals (never
  field-to-field), and the proposal is validated and typed before it gets here;
- one proposal per call (a batch with one unmatched fact runs no action);
- each action is a plain one-argument closure that binds its rule id (the engine sees no rule
  names, and it treats a two-argument callable as asynchronous);
- the fact is flat and small: short keys, only the fields some rule reads.
"""

from __future__ import annotations

import copy
import itertools
import threading
import uuid
from typing import Any, Callable, Iterable

import durable.engine as _engine

from .conditions import All, Any_, Leaf, Node, negation_normal_form
from .errors import EngineError

KIND_KEY, KIND_VALUE = "kind", "p"
SENTINEL = "__ccrules_sentinel__"  # matches every proposal; its action does nothing
_CMP = {"lt": "$lt", "le": "$lte", "gt": "$gt", "ge": "$gte"}


class _CallerThreadHost(_engine.Host):
    """A Host without the background dispatcher (which ran actions on its own thread and
    crashed under concurrent callers)."""

    def _run(self) -> None:  # noqa: D401 - replaces the timer loop
        return None


class _Keys:
    """Short fact keys for the fields (and list helper keys) that rules read."""

    def __init__(self) -> None:
        self.scalar: dict[str, str] = {}
        self.members: dict[tuple[str, Any], str] = {}
        self.counts: dict[str, str] = {}

    def _new(self) -> str:
        return "f%d" % (len(self.scalar) + len(self.members) + len(self.counts))

    def of(self, field: str) -> str:
        if field not in self.scalar:
            self.scalar[field] = self._new()
        return self.scalar[field]

    def member(self, field: str, value: Any) -> str:
        if (field, value) not in self.members:
            self.members[(field, value)] = self._new()
        return self.members[(field, value)]

    def count(self, field: str) -> str:
        if field not in self.counts:
            self.counts[field] = self._new()
        return self.counts[field]


def _one_or(op: str, terms: list) -> dict:
    return terms[0] if len(terms) == 1 else {op: terms}


class DurableRuleset:
    """A rule set compiled into its own durable_rules host; `fire(facts)` returns the ids of
    the rules whose condition is true (known true) for those facts."""

    def __init__(self, rules: Iterable[tuple[str, Node]]):
        self._keys = _Keys()
        definition: dict[str, dict] = {}
        for rule_id, node in rules:
            expr = self._compile(negation_normal_form(node))
            definition[rule_id] = {
                "all": [{"m": {"$and": [{KIND_KEY: KIND_VALUE}, expr]}}],
                "run": self._action(rule_id),
            }
        definition[SENTINEL] = {"all": [{"m": {KIND_KEY: KIND_VALUE}}],
                                "run": self._action(SENTINEL)}
        self.definition = copy.deepcopy(definition)  # kept intact for inspection
        self._name = "ccrules-" + uuid.uuid4().hex
        self._host = _CallerThreadHost()
        self._host.register_rulesets({self._name: copy.deepcopy(definition)})
        self._lock = threading.Lock()
        self._sids = itertools.count(1)
        self._fired: set[str] = set()

    # -- compiling --------------------------------------------------------------------------
    def _compile(self, node: Node) -> dict:
        if isinstance(node, All):
            return _one_or("$and", [self._compile(c) for c in node.children])
        if isinstance(node, Any_):
            return _one_or("$or", [self._compile(c) for c in node.children])
        assert isinstance(node, Leaf), "negation_normal_form leaves no Not"
        return self._leaf(node)

    def _leaf(self, leaf: Leaf) -> dict:
        f, op, v = leaf.field, leaf.op, leaf.value
        if op == "eq":
            return {self._keys.of(f): v}
        if op == "ne":
            return {"$neq": {self._keys.of(f): v}}
        if op in _CMP:
            return {_CMP[op]: {self._keys.of(f): v}}
        if op == "in":
            return _one_or("$or", [{self._keys.of(f): x} for x in v])
        if op == "not_in":
            return _one_or("$and", [{"$neq": {self._keys.of(f): x}} for x in v])
        if op in ("contains", "not_contains"):
            return {self._keys.member(f, v): 1 if op == "contains" else 0}
        if op == "count_ge":
            return {"$gte": {self._keys.count(f): v}}
        if op == "count_lt":
            return {"$lt": {self._keys.count(f): v}}
        raise EngineError(f"no durable_rules form for operator {op!r}")

    def _action(self, rule_id: str) -> Callable[[Any], None]:
        def action(c):  # exactly one argument: two would make the engine treat it as async
            self._record(rule_id)
        return action

    def _record(self, rule_id: str) -> None:
        if rule_id != SENTINEL:
            self._fired.add(rule_id)

    # -- evaluating -------------------------------------------------------------------------
    def encode(self, facts: dict[str, Any]) -> dict[str, Any]:
        """The small flat fact the engine sees: only fields rules read, unknowns left out."""
        fact: dict[str, Any] = {KIND_KEY: KIND_VALUE}
        for field, key in self._keys.scalar.items():
            if facts.get(field) is not None:
                fact[key] = facts[field]
        for (field, value), key in self._keys.members.items():
            if facts.get(field) is not None:
                fact[key] = 1 if value in facts[field] else 0
        for field, key in self._keys.counts.items():
            if facts.get(field) is not None:
                fact[key] = len(facts[field])
        return fact

    def fire(self, facts: dict[str, Any]) -> set[str]:
        if not isinstance(facts, dict):  # one proposal per call: engine batches drop actions
            raise TypeError("fire() takes the facts of one proposal (a dict)")
        fact = self.encode(facts)
        with self._lock:
            sid = str(next(self._sids))
            fact["sid"] = sid
            self._fired = set()
            try:
                state = self._host.assert_fact(self._name, fact)
            except _engine.MessageNotHandledException:
                state = None  # no rule matched: a clean outcome, not an error
            finally:
                self._host.delete_state(self._name, sid)
            fired, self._fired = self._fired, set()
        if isinstance(state, dict) and "exception" in state:
            raise EngineError(f"a rule action failed inside durable_rules: {state['exception']}")
        return fired
