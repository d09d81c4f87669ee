"""Load the verdict policy: its parameters first (the funder's figures, which rules and the
policy's own conditions refer to by name), then the conditions inside it (designs, the
problem-fit rows, the enrolment requirements), then the whole model."""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from ..errors import RuleProblem
from . import aggregations
from .conditions import ConditionFault, Params, parse
from .model import Parameter, Policy

PLACEHOLDER = re.compile(r"\{param:(\w+)\}")


def parameter_values(raw: Any, file: str, problems: list[RuleProblem]) -> dict[str, Parameter]:
    """The policy's parameters, checked one by one (each fault reported)."""
    found: dict[str, Parameter] = {}
    if not isinstance(raw, dict):
        return found
    entries = raw.get("parameters")
    if not isinstance(entries, dict):
        problems.append(RuleProblem(file, "policy.parameters must be a mapping of name to "
                                    "{value, unit, source, note}", line=raw.get("__line__")))
        return found
    for name, entry in entries.items():
        if name == "__line__":
            continue
        line = entry.get("__line__") if isinstance(entry, dict) else None
        try:
            found[name] = Parameter.model_validate(
                {k: v for k, v in (entry or {}).items() if k != "__line__"}
                if isinstance(entry, dict) else entry)
        except ValidationError as exc:
            for err in exc.errors():
                where = ".".join(map(str, err["loc"]))
                problems.append(RuleProblem(file, f"policy.parameters.{name}.{where}: "
                                            f"{err['msg']}", line=line))
    return found


def fill(text: Any, parameters: dict[str, Parameter], where: str, file: str,
         problems: list[RuleProblem], rule_id: str | None = None,
         line: int | None = None, broken: frozenset[str] = frozenset()) -> Any:
    """Put each `{param:name}` in a text as the parameter's value and unit (a `broken`
    parameter, whose own fault is reported, is left as it is without another)."""
    if not isinstance(text, str):
        return text

    def shown(match: re.Match) -> str:
        name = match.group(1)
        if name in broken:
            return match.group(0)
        if name not in parameters:
            problems.append(RuleProblem(file, f"{where}: no parameter {name!r} in the policy",
                                        rule_id, line))
            return match.group(0)
        return parameters[name].shown()
    return PLACEHOLDER.sub(shown, text)


def _line(raw: Any, *keys: Any) -> int | None:
    """The line of the entry at `keys` in the policy's raw data (with lines), if known."""
    node = raw
    for key in keys:
        if isinstance(node, dict):
            node = node.get(key)
        elif isinstance(node, list) and isinstance(key, int) and key < len(node):
            node = node[key]
        else:
            return None
    return node.get("__line__") if isinstance(node, dict) else None


def _conditions(raw: dict, clean: dict, params: Params, file: str,
                problems: list[RuleProblem], broken: frozenset[str]) -> None:
    """Parse every condition inside the policy in place; each fault at its entry's line (a
    reference to a `broken` parameter, already reported, is not reported again)."""
    designs: dict[str, Any] = {}

    def parsed(node: Any, where: str, line: int | None) -> Any:
        try:
            return parse(node, params=params, designs=designs)
        except ConditionFault as fault:
            if not any(fault.msg.endswith(f"no parameter {b!r} in the policy") for b in broken):
                path = ".".join(map(str, [where] + fault.path))
                problems.append(RuleProblem(file, f"{path}: {fault.msg}", line=line))
            return None

    fit = clean.get("problem_fit")
    if isinstance(fit, dict):
        for name, design in (fit.get("designs") or {}).items():  # each may use those above
            if isinstance(design, dict) and "when" in design:
                design["when"] = parsed(design["when"], f"policy.problem_fit.designs.{name}.when",
                                        _line(raw, "problem_fit", "designs", name))
                designs[name] = design["when"]
        for i, row in enumerate(fit.get("rows") or []):
            if isinstance(row, dict) and row.get("when") is not None:
                row["when"] = parsed(row["when"], f"policy.problem_fit.rows.{i}.when",
                                     _line(raw, "problem_fit", "rows", i))
    for i, req in enumerate(clean.get("enrolment_requirements") or []):
        if isinstance(req, dict) and "met_when" in req:
            req["met_when"] = parsed(req["met_when"],
                                     f"policy.enrolment_requirements.{i}.met_when",
                                     _line(raw, "enrolment_requirements", i))
    for i, agg in enumerate(clean.get("aggregation") or []):
        if isinstance(agg, dict) and aggregations.kind_of(agg) is None:
            problems.append(RuleProblem(file, f"policy.aggregation.{i}: of no known kind: "
                                        f"give the keys of exactly one kind: "
                                        f"{aggregations.known_kinds()}",
                                        line=_line(raw, "aggregation", i)))
            continue
        bound = agg.get("at_least") if isinstance(agg, dict) else None
        if isinstance(bound, dict):
            name = str(bound.get("param"))
            if name in params:
                agg["at_least"] = params[name]
            elif name not in broken:
                problems.append(RuleProblem(file, f"policy.aggregation.{i}.at_least: no "
                                            f"parameter {name!r} in the policy",
                                            line=_line(raw, "aggregation", i)))


def load_policy(raw: Any, clean: Any, file: str, problems: list[RuleProblem],
                pydantic_problems: Any, parameters: dict[str, Parameter]) -> Policy | None:
    """The Policy from a policy document's raw (with lines) and clean data, with its
    parameters as parameter_values read them (once: each fault reported once)."""
    if not isinstance(raw, dict):
        problems.append(RuleProblem(file, "'policy' must be a mapping"))
        return None
    params = {name: p.value for name, p in parameters.items()}
    declared = raw.get("parameters")
    broken = frozenset(n for n in declared if n != "__line__" and n not in parameters) \
        if isinstance(declared, dict) else frozenset()
    before = len(problems)
    _conditions(raw, clean, params, file, problems, broken)
    for i, req in enumerate(clean.get("enrolment_requirements") or []):
        if isinstance(req, dict):
            for key in ("requirement", "ask"):
                req[key] = fill(req.get(key), parameters,
                                f"policy.enrolment_requirements.{i}.{key}", file, problems,
                                broken=broken)
    if broken or len(problems) > before:
        return None
    try:
        return Policy.model_validate(clean)
    except ValidationError as exc:
        problems += pydantic_problems(exc, file, None, raw.get("__line__"),
                                      Policy.model_fields)
        return None
