"""Why a rule fired, and why it did not: the condition terms that decided it, with the
proposal's values. Works on the negation normal form, so every term is a plain comparison."""

from __future__ import annotations

from typing import Any

from ..judging.result import Term
from ..rulebook.conditions import (
    All,
    Any_,
    Leaf,
    Node,
    Not,
    compile_python,
    negation_normal_form,
)


def value_text(value: Any) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, (list, tuple)):
        if value and isinstance(value[0], dict):
            return f"{len(value)} option(s)"
        return "[" + ", ".join(map(str, value)) + "]"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _wanted(leaf: Leaf) -> str:
    """'≥ 10' or 'in voluntary, none': the leaf's own operator and value."""
    return leaf.describe()[len(leaf.field) + 1:]


def term(leaf: Leaf, facts: dict[str, Any], fired: bool) -> Term:
    actual = facts.get(leaf.field)
    if actual is None:
        text = f"{leaf.field} is not stated (the rule tests: {_wanted(leaf)})"
    elif fired:
        text = f"{leaf.field} = {value_text(actual)} (the rule fires on: {_wanted(leaf)})"
    else:  # the term the rule needs, and the value that fails it
        text = (f"{leaf.field} = {value_text(actual)} (the rule fires only on: "
                f"{_wanted(leaf)})")
    value = list(leaf.value) if isinstance(leaf.value, tuple) else leaf.value
    shown = list(actual) if isinstance(actual, tuple) else actual
    return Term(field=leaf.field, op=leaf.op, value=value, actual=shown, text=text)


def _result(node: Node, facts: dict) -> bool | None:
    return compile_python(node)(facts)


def _deciding(node: Node, facts: dict, outcome: bool | None) -> list[Leaf]:
    """The leaves that give `node` its outcome: for True a minimal support, for False a
    minimal counter-example, for unknown the unknown leaves that keep it open."""
    if isinstance(node, Leaf):
        return [node] if _result(node, facts) is outcome else []
    assert not isinstance(node, Not), "the tree is in negation normal form"
    results = [(child, _result(child, facts)) for child in node.children]
    decisive = isinstance(node, All) and outcome is False or \
        isinstance(node, Any_) and outcome is True
    if decisive:  # one child settles it: name the first
        child = next(c for c, r in results if r is outcome)
        return _deciding(child, facts, outcome)
    leaves: list[Leaf] = []
    for child, r in results:
        if r is outcome:
            leaves += _deciding(child, facts, outcome)
    return leaves


def why(node: Node, facts: dict[str, Any]) -> tuple[bool | None, list[Term]]:
    """The rule's outcome and the terms that decided it."""
    nnf = negation_normal_form(node)
    outcome = _result(nnf, facts)
    return outcome, [term(leaf, facts, outcome is True)
                     for leaf in dict.fromkeys(_deciding(nnf, facts, outcome))]
