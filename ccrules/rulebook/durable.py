"""The one module that talks to durable_rules. It drives the engine's C core
(`durable_rules_engine`) directly and hides every sharp edge the engine has
(docs/durable-rules.md; tests/test_durable_engine.py has a test for each):

- The Python `durable.engine.Host` is not used at all. That one layer brought most of the
  edges: it mutates the definition it registers, refuses a name twice with a bare Exception,
  runs a background dispatcher thread that ran actions on its own thread (and crashed under
  concurrent callers), swallows exceptions raised in actions, treats a two-argument action as
  asynchronous, JSON-encodes the state after every action, and its module-wide
  `durable.lang` host is a singleton. Here a ruleset is plain JSON given to the C core under
  a fresh name, and the fired rules are read from the engine's action queue: no Python
  action runs inside the engine, so none can fail silently.
- Facts are asserted (`assert_fact`), never posted: an event is consumed by the first rule
  that matches, a fact fires every rule that matches.
- "No rule matched" must not happen: after it, deleting the sid's state crashed the process
  (seen here when a fresh ruleset's first fact matched nothing), so a sentinel rule matches
  every proposal and is dropped from the result.
- A fresh sid per evaluation and `delete_state` in a `finally`; a lock keeps at most one sid
  alive, far from the cap of 1,024 live sids per ruleset (past it the ruleset is corrupted).
- Every rule carries a discriminator term only our fact has, so the engine's own state fact
  can never match (a rule of only "field absent" tests fired without end).
- A rule fires once per matching `$or` branch: fired ids are a set.
- Semantics: negation is pushed into the leaves (the engine's `$neq` on an absent field is
  false, which is exactly "unknown is not false"); "does not contain" uses helper keys;
  values are literals (never field-to-field, which is true against an absent field); the
  proposal is validated and typed before it gets here (the engine thinks "2" == 2).
- One proposal per call: a batch with one unmatched fact runs no action at all.
- The C core keeps every ruleset until it is deleted: a ruleset is deleted when its wrapper
  is garbage-collected.
- The fact is flat and small (short keys, only the fields rules read, floats rounded so the
  engine's JSON reader can take them): the engine copies it into every fired rule's message.
"""

from __future__ import annotations

import itertools
import json
import threading
import uuid
import weakref
from typing import Any, Iterable

import durable_rules_engine as _core

from ..errors import EngineError
from .conditions import All, Any_, Leaf, Node, negation_normal_form

KIND_KEY, KIND_VALUE = "kind", "p"
SENTINEL = "__ccrules_sentinel__"  # matches every proposal; never reported
_CMP = {"lt": "$lt", "le": "$lte", "gt": "$gt", "ge": "$gte"}
_NOT_HANDLED, _OBSERVED, _QUEUED = 1, 2, 3  # the C core's result codes for assert_fact
_STATE_NOT_FOUND = "error code: 309"


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
    """A rule set compiled into the durable_rules core; `fire(facts)` returns the ids of the
    rules whose condition is true (known true) for those facts."""

    def __init__(self, rules: Iterable[tuple[str, Node]]):
        self._keys = _Keys()
        definition: dict[str, dict] = {}
        for rule_id, node in rules:
            expr = self._compile(negation_normal_form(node))
            definition[rule_id] = {"all": [{"m": {"$and": [{KIND_KEY: KIND_VALUE}, expr]}}]}
        definition[SENTINEL] = {"all": [{"m": {KIND_KEY: KIND_VALUE}}]}
        self.definition = definition
        self.name = "ccrules-" + uuid.uuid4().hex
        try:
            self._handle = _core.create_ruleset(self.name, json.dumps(definition))
        except _core.error as exc:
            raise EngineError(f"durable_rules refused the ruleset: {exc}") from None
        # the C core keeps a ruleset until told: free it with this object (a reload or a
        # test's rulebook would otherwise leak one each time)
        self._finalizer = weakref.finalize(self, _core.delete_ruleset, self._handle)
        self._lock = threading.Lock()
        self._sids = itertools.count(1)

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
        fired: set[str] = set()
        with self._lock:
            sid = str(next(self._sids))
            fact["sid"] = sid
            try:
                code, state = _core.assert_fact(self._handle, json.dumps(fact))
                if code == _OBSERVED:
                    raise EngineError("durable_rules saw this fact twice in one evaluation")
                if code != _NOT_HANDLED:
                    self._drain(0 if code == _QUEUED else state, fired)
            except _core.error as exc:
                raise EngineError(f"durable_rules failed: {exc}") from None
            finally:
                self._delete_state(sid)
        fired.discard(SENTINEL)
        return fired

    def _delete_state(self, sid: str) -> None:
        try:
            _core.delete_state(self._handle, sid)
        except _core.error as exc:
            if _STATE_NOT_FOUND not in str(exc):  # no state: the assert itself failed
                raise EngineError(f"durable_rules could not delete state: {exc}") from None

    def _drain(self, state: int, fired: set[str]) -> None:
        """Take every queued action: each names the rule that fired, as {"RULE-ID": fact}."""
        started = _core.start_action_for_state(self._handle, state)
        message = started[1] if started else None
        while message:
            if not message.startswith('{"'):
                raise EngineError(f"unexpected message from durable_rules: {message[:80]}")
            fired.add(message[2:message.index('"', 2)])
            message = _core.complete_and_start_action(self._handle, state)
