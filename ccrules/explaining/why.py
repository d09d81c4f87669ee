"""Why a rule fired, and why it did not: the condition terms that decided it, with the
proposal's values. Works on the negation normal form, so every term is a plain comparison."""

from __future__ import annotations

from typing import Any

from ..judging.result import Term
from ..proposal import words
from ..proposal.fields import catalogue, value_words
from ..proposal.fields import label as field_label
from ..rulebook.conditions import (
    Leaf,
    Node,
    compile_python,
    deciding_leaves,
    negation_normal_form,
)

_THRESHOLD = {"lt": "below {}", "le": "{} or less", "gt": "above {}", "ge": "{} or more"}


def wanted_words(leaf: Leaf) -> str:
    """What a term asks for, in words: 'below 10% of their time', 'includes a data lead',
    'fewer than 3 named', 'voluntary or not asked for'."""
    path, op, value = leaf.field, leaf.op, leaf.value
    if op in _THRESHOLD:
        return _THRESHOLD[op].format(catalogue()[path].amount(value))
    if op == "count_ge":
        return f"{words.number(value)} or more named"
    if op == "count_lt":
        return "none named" if value == 1 else f"fewer than {words.number(value)} named"
    if op == "contains":
        return f"includes {words.choice(path, str(value))}"
    if op == "not_contains":
        return f"does not include {words.choice(path, str(value))}"
    if op in ("in", "not_in"):
        choices = words.join([words.choice(path, str(v)) for v in value]).replace(" and ", " or ")
        return ("anything but " if op == "not_in" else "") + choices
    shown = value_words(path, value)
    return f"anything but {shown}" if op == "ne" else shown


def term(leaf: Leaf, facts: dict[str, Any], fired: bool, wanted: str | None = None) -> Term:
    """One deciding term in a funder's words: the field's label, the stated value (rounded,
    with its unit) and, where the value alone does not say why, what the rule looks for
    (`wanted`, when several terms on the field are said at once)."""
    actual = facts.get(leaf.field)
    label = field_label(leaf.field)
    if actual is None:
        text = f"{label}: not stated"
    else:
        stated = value_words(leaf.field, actual)
        if fired and leaf.op in ("eq", "in", "contains"):
            text = f"{label}: {stated}"
        elif fired:
            text = f"{label}: {stated} ({wanted_words(leaf)})"
        else:
            text = f"{label}: {stated} (the finding needs: {wanted or wanted_words(leaf)})"
    value = list(leaf.value) if isinstance(leaf.value, tuple) else leaf.value
    shown = list(actual) if isinstance(actual, tuple) else actual
    return Term(field=leaf.field, op=leaf.op, value=value, actual=shown, text=text)


def why(node: Node, facts: dict[str, Any]) -> tuple[bool | None, list[Term]]:
    """The rule's outcome and the terms that decided it. Where a rule did not fire and
    several of its terms on one field failed (an `any` of values), they are said once:
    the value, and what the finding needs, joined by 'or'."""
    nnf = negation_normal_form(node)
    outcome = compile_python(nnf)(facts)
    leaves = list(dict.fromkeys(deciding_leaves(nnf, facts, outcome)))
    if outcome is not False:
        return outcome, [term(leaf, facts, outcome is True) for leaf in leaves]
    by_field: dict[str, list[Leaf]] = {}
    for leaf in leaves:
        by_field.setdefault(leaf.field, []).append(leaf)
    return outcome, [term(same[0], facts, False, " or ".join(wanted_words(x) for x in same))
                     for same in by_field.values()]
