"""The problem-fit table (policy.yaml) as rules: each finding of each row becomes a rule of
the problem_fit dimension, whose condition is the row's kind of problem and the designs the
finding applies to. The rules then go through both engines like any other, so why, why not,
missing information and counterfactuals all follow the table: no declared design can route
around a row, since the row's own rule fires on it."""

from __future__ import annotations

import copy
from typing import Any

from .conditions import All, Any_, Node
from .model import Dimension, Examples, FitRow, Policy, Rule, Severity, Verdict

SEVERITY_OF = {Verdict.not_recommended: Severity.blocker, Verdict.conditional: Severity.major}
ALL = "all"


def merged(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """A proposal fragment with another's answers added (nested groups merged)."""
    out = copy.deepcopy(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _condition(row: FitRow, designs: list[Node]) -> Node:
    parts = ([row.when] if row.when is not None else [])
    if designs:
        parts.append(designs[0] if len(designs) == 1 else Any_(tuple(designs)))
    return parts[0] if len(parts) == 1 else All(tuple(parts))


def table_rules(policy: Policy, file: str, lines: list[int | None] | None = None
                ) -> list[Rule]:
    """The rules the problem-fit table stands for, in table order, each located at its
    row's line."""
    designs = policy.problem_fit.designs
    rows = policy.problem_fit.rows
    lines = lines or [None] * len(rows)
    rules = []
    for row, line in zip(rows, lines, strict=False):
        for finding in row.findings:
            names = list(designs) if finding.designs == [ALL] else finding.designs
            covers_all = set(names) == set(designs)
            nodes = [] if covers_all and row.when is not None else [
                designs[n].when for n in names]
            example = designs[names[0]].example
            other = next((designs[n].example for n in designs if n not in names), None)
            fires = merged(row.examples.fires, example)
            quiet = (merged(row.examples.does_not_fire, example) if row.when is not None
                     else other or {})
            basis = ("" if row.basis == "paper" else
                     " (This row is ccrules' reading where the paper is silent, not a finding "
                     "of the paper.)")
            rules.append(Rule(
                id=finding.id, title=finding.title, dimension=Dimension.problem_fit,
                severity=SEVERITY_OF[finding.best], lessons=list(row.lessons),
                when=_condition(row, nodes), message=finding.message,
                rationale=row.rationale + basis,
                recommendation=finding.recommendation or row.recommendation,
                condition=finding.condition,
                citation=row.citation, lines=row.lines,
                examples=Examples(fires=fires, does_not_fire=quiet), file=file, line=line))
    return rules
