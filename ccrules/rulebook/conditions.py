"""Condition trees (all / any / not over {field, op, value}): parsing with checks, three-valued
evaluation in Python, and negation pushed down to the leaves (for the durable compiler).

Three-valued (Kleene) logic: a leaf on an unknown field is None (unknown); `all` is False if
any child is False, else None if any is None, else True; `any` is the dual; `not` swaps True
and False and keeps None.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from typing import Any, Callable, Iterable, Union

from ..proposal.fields import FieldInfo, catalogue
from ..proposal.kinds import KindFault
from ..suggestions import suggest

NEGATED_OP = {"eq": "ne", "ne": "eq", "in": "not_in", "not_in": "in", "lt": "ge", "ge": "lt",
              "le": "gt", "gt": "le", "contains": "not_contains", "not_contains": "contains",
              "count_ge": "count_lt", "count_lt": "count_ge"}
OP_WORDS = {"eq": "=", "ne": "≠", "in": "in", "not_in": "not in", "lt": "<", "le": "≤",
            "gt": ">", "ge": "≥", "contains": "includes", "not_contains": "does not include",
            "count_ge": "has at least", "count_lt": "has fewer than"}


def _hash_once(cls):
    """Trees are hashed often (compiled and normalised forms are cached by tree): each node
    keeps its hash once computed instead of rehashing its whole subtree every time. Applied
    after @dataclass, which would otherwise install its own __hash__."""
    names = tuple(f.name for f in fields(cls))

    def __hash__(self) -> int:
        try:
            return self.__dict__["_hash"]
        except KeyError:
            value = hash((cls.__name__, *(getattr(self, n) for n in names)))
            object.__setattr__(self, "_hash", value)
            return value
    cls.__hash__ = __hash__
    return cls


@_hash_once
@dataclass(frozen=True)
class Leaf:
    field: str
    op: str
    value: Any
    param: str | None = None  # the policy parameter the value comes from, if any
    paper: str | None = None  # the paper line a figure comes from, if it is the paper's

    def describe(self) -> str:
        value = ", ".join(map(_word, self.value)) if isinstance(self.value, tuple) else _word(
            self.value)
        if self.op in ("count_ge", "count_lt"):
            value += " item(s)"
        return f"{self.field} {OP_WORDS[self.op]} {value}"


@_hash_once
@dataclass(frozen=True)
class All:
    children: tuple


@_hash_once
@dataclass(frozen=True)
class Any_:
    children: tuple


@_hash_once
@dataclass(frozen=True)
class Not:
    child: "Node"


Node = Union[Leaf, All, Any_, Not]


def _word(v: Any) -> str:
    return str(v).lower() if isinstance(v, bool) else str(v)


# --- parsing -------------------------------------------------------------------------------

class ConditionFault(Exception):
    """A fault in a condition tree, with the path to it inside the `when` block."""

    def __init__(self, msg: str, path: list):
        super().__init__(msg)
        self.msg, self.path = msg, path


Params = Mapping[str, Any]  # parameter name -> its value (a number)


def parse(raw: Any, path: list | None = None, params: Params | None = None,
          designs: Mapping[str, Node] | None = None) -> Node:
    """Parse and check a condition tree against the field catalogue, resolving `{param:
    name}` values from `params` and `{design: name}` terms from the policy's designs (the
    design's own condition, inlined); raise ConditionFault."""
    path = path or []
    params = params or {}
    designs = designs or {}
    if not isinstance(raw, dict):
        raise ConditionFault(f"a condition must be a mapping, got {type(raw).__name__}", path)
    keys = set(raw)
    for group, cls in (("all", All), ("any", Any_)):
        if keys == {group}:
            items = raw[group]
            if not isinstance(items, list) or not items:
                raise ConditionFault(f"'{group}' needs a non-empty list of conditions", path)
            return cls(tuple(parse(c, path + [group, i], params, designs)
                             for i, c in enumerate(items)))
    if keys == {"not"}:
        return Not(parse(raw["not"], path + ["not"], params, designs))
    if keys == {"design"}:
        name = raw["design"]
        if not isinstance(name, str) or name not in designs:
            raise ConditionFault(f"no design {name!r} in the policy's problem-fit table"
                                 f"{suggest(str(name), designs)}", path)
        return designs[name]
    if "field" in keys:
        return _parse_leaf(raw, path, params)
    known = ["all", "any", "not", "field", "design"]
    odd = sorted(keys - {"op", "value"}) or sorted(keys)
    raise ConditionFault(
        f"a condition is one of all/any/not, a {{field, op, value}} term or a {{design: name}}; "
        f"got keys "
        f"{sorted(keys)}{suggest(odd[0], known) if odd else ''}", path)


def _parse_leaf(raw: dict, path: list, params: Params) -> Leaf:
    extra = set(raw) - {"field", "op", "value", "paper"}
    if extra:
        raise ConditionFault(f"unknown key(s) {sorted(extra)} in a term "
                             f"(a term has field, op, value, and paper for a paper figure)",
                             path)
    name = raw["field"]
    fields = catalogue()
    if not isinstance(name, str) or name not in fields:
        raise ConditionFault(f"unknown field {name!r}{suggest(str(name), fields)}", path)
    info = fields[name]
    op = raw.get("op")
    if op not in info.ops:
        allowed = ", ".join(sorted(info.ops)) or "none: rules cannot test this field"
        raise ConditionFault(f"operator {op!r} does not apply to {name} ({info.kind}); "
                             f"use one of: {allowed}", path)
    if "value" not in raw:
        raise ConditionFault(f"term on {name} has no value", path)
    value, param = raw["value"], None
    if isinstance(value, dict):
        if set(value) != {"param"} or not isinstance(value["param"], str):
            raise ConditionFault(f"{name} {op}: a value from the policy is written "
                                 f"{{param: name}}, got {value!r}", path)
        param = value["param"]
        if param not in params:
            raise ConditionFault(f"{name} {op}: no parameter {param!r} in the policy"
                                 f"{suggest(param, params)}", path)
        value = params[param]
    paper = raw.get("paper")
    if paper is not None and (not isinstance(paper, str) or not paper.startswith("P:")):
        raise ConditionFault(f"{name} {op}: paper is the line a figure comes from, e.g. "
                             f"'P:649', got {paper!r}", path)
    return Leaf(name, op, _check_value(info, op, value, path), param, paper)


def _check_value(info: FieldInfo, op: str, value: Any, path: list) -> Any:
    try:
        return info.kind.term_value(info, op, value)
    except KindFault as exc:
        raise ConditionFault(f"{info.path} {op}: {exc}", path) from None


# --- evaluation ----------------------------------------------------------------------------

Evaluator = Callable[[dict], Union[bool, None]]

_CMP = {"eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "le": operator.le,
        "gt": operator.gt, "ge": operator.ge}


def _leaf_test(leaf: Leaf) -> Callable[[Any], bool]:
    op, v = leaf.op, leaf.value
    if op in _CMP:
        cmp = _CMP[op]
        return lambda x: cmp(x, v)
    return {
        "in": lambda x: x in v,
        "not_in": lambda x: x not in v,
        "contains": lambda x: v in x,
        "not_contains": lambda x: v not in x,
        "count_ge": lambda x: len(x) >= v,
        "count_lt": lambda x: len(x) < v,
    }[op]


# Trees are immutable and hashable, so what is computed from one is kept, in bounded caches:
# a reloaded rulebook's trees replace the old ones there instead of piling up beside them
# (the judge holds each rule's compiled condition itself, so its hot path never misses).
TREE_CACHE = 20_000


@lru_cache(maxsize=TREE_CACHE)
def compile_python(node: Node) -> Evaluator:
    """Compile a tree to a function facts -> True | False | None (unknown)."""
    if isinstance(node, Leaf):
        test, name = _leaf_test(node), node.field

        def leaf(facts: dict) -> bool | None:
            x = facts.get(name)
            return None if x is None else test(x)
        return leaf
    if isinstance(node, Not):
        inner = compile_python(node.child)

        def negate(facts: dict) -> bool | None:
            r = inner(facts)
            return None if r is None else not r
        return negate
    kids = [compile_python(c) for c in node.children]
    stop = isinstance(node, Any_)  # any stops at True, all stops at False

    def group(facts: dict) -> bool | None:
        unknown = False
        for kid in kids:
            r = kid(facts)
            if r is None:
                unknown = True
            elif r is stop:
                return stop
        return None if unknown else not stop
    return group


@lru_cache(maxsize=TREE_CACHE)
def negation_normal_form(node: Node, negate: bool = False) -> Node:
    """The same condition with every `not` pushed into the leaves (Kleene-equivalent)."""
    if isinstance(node, Not):
        return negation_normal_form(node.child, not negate)
    if isinstance(node, Leaf):
        return replace(node, op=NEGATED_OP[node.op]) if negate else node
    kids = tuple(negation_normal_form(c, negate) for c in node.children)
    flip = isinstance(node, All) == negate  # not(all) is any; not(any) is all
    return Any_(kids) if flip else All(kids)


def to_data(node: Node) -> dict:
    """A tree back as plain data, in the rule files' form."""
    if isinstance(node, Leaf):
        value = list(node.value) if isinstance(node.value, tuple) else node.value
        data = {"field": node.field, "op": node.op,
                "value": {"param": node.param} if node.param else value}
        return {**data, "paper": node.paper} if node.paper else data
    if isinstance(node, Not):
        return {"not": to_data(node.child)}
    return {"all" if isinstance(node, All) else "any": [to_data(c) for c in node.children]}


def leaves(node: Node):
    """Every leaf of a tree, in order."""
    if isinstance(node, Leaf):
        yield node
    elif isinstance(node, Not):
        yield from leaves(node.child)
    else:
        for c in node.children:
            yield from leaves(c)


def tested_values(nodes: Iterable[Node]) -> dict[str, dict[str, set]]:
    """Per field, what the conditions compare it with: "numbers" (thresholds), "members"
    (list members tested for), "counts" (list sizes). Values between these cannot change
    any outcome, which is what lets search and static checks try finitely many values."""
    found: dict[str, dict[str, set]] = {}
    for node in nodes:
        for leaf in leaves(node):
            entry = found.setdefault(leaf.field, {"numbers": set(), "members": set(),
                                                  "counts": set()})
            if leaf.op in ("count_ge", "count_lt"):
                entry["counts"].add(leaf.value)
            elif leaf.op in ("contains", "not_contains"):
                entry["members"].add(leaf.value)
            elif isinstance(leaf.value, (int, float)) and not isinstance(leaf.value, bool):
                entry["numbers"].add(leaf.value)
    return found


@lru_cache(maxsize=TREE_CACHE)
def fields_of(node: Node) -> frozenset[str]:
    """The fields a tree reads."""
    return frozenset(leaf.field for leaf in leaves(node))


def deciding_leaves(node: Node, facts: dict, outcome: bool | None) -> list[Leaf]:
    """The leaves that give `node` (in negation normal form) its `outcome`: for True a
    minimal support, for False a minimal counter-example, for unknown the unknown leaves
    that keep it open."""
    if isinstance(node, Leaf):
        return [node] if compile_python(node)(facts) is outcome else []
    assert not isinstance(node, Not), "the tree is in negation normal form"
    results = [(child, compile_python(child)(facts)) for child in node.children]
    decisive = isinstance(node, All) and outcome is False or \
        isinstance(node, Any_) and outcome is True
    if decisive:  # one child settles it: name the first
        child = next(c for c, r in results if r is outcome)
        return deciding_leaves(child, facts, outcome)
    found: list[Leaf] = []
    for child, r in results:
        if r is outcome:
            found += deciding_leaves(child, facts, outcome)
    return found


def bare_numbers(node: Node) -> list[Leaf]:
    """Terms that compare with a number which is neither a policy parameter nor marked with
    the paper line it comes from. 0 and 1 as counts ("none", "at least one") are not
    figures and pass."""
    found = []
    for leaf in leaves(node):
        value = leaf.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        if leaf.param or leaf.paper:
            continue
        counting = leaf.op in ("count_ge", "count_lt") or leaf.field.endswith("_count")
        if counting and value in (0, 1):
            continue
        found.append(leaf)
    return found
