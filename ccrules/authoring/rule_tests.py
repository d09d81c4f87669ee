"""`ccrules rules test`: every rule's own examples, and the example proposals' expected
verdicts (examples/expected.yaml), as one pass/fail list."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import CcrulesError
from ..proposal.reading import read_proposal
from ..resources import builtin_examples
from ..rulebook.loader import Rulebook
from ..screening.evaluate import evaluate
from .checks import example_problems

EXPECTED_FILE = "expected.yaml"


@dataclass(frozen=True)
class Check:
    name: str
    kind: str  # "rule example" or "proposal"
    passed: bool
    detail: str = ""


def load_expectations(examples: Path) -> dict[str, dict]:
    path = examples / EXPECTED_FILE
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise CcrulesError(f"{path}: expected a mapping of example name to expectations")
    return data


def run_rule_tests(rulebook: Rulebook, examples: Path | None = None) -> list[Check]:
    """Every rule's examples and every expected example verdict, as pass/fail checks."""
    examples = examples or builtin_examples()
    failures = {(p.rule_id, p.kind): p.msg for p in example_problems(rulebook)}
    checks = []
    for rule in rulebook.rules:
        for name in ("examples.fires", "examples.does_not_fire"):
            msg = failures.get((rule.id, name))
            checks.append(Check(f"{rule.id} {name.split('.')[1]}", "rule example", msg is None,
                                msg or ""))
    for name, want in load_expectations(examples).items():
        try:
            ev = evaluate(read_proposal(examples / f"{name}.json"), rulebook)
        except CcrulesError as exc:
            checks.append(Check(name, "proposal", False, str(exc)))
            continue
        fired = {f.rule_id for f in ev.findings}
        faults = []
        if ev.verdict.value != want.get("verdict"):
            faults.append(f"verdict {ev.verdict.value}, expected {want.get('verdict')}")
        missing = sorted(set(want.get("fires", [])) - fired)
        extra = sorted(set(want.get("does_not_fire", [])) & fired)
        if missing:
            faults.append(f"did not fire {json.dumps(missing)}")
        if extra:
            faults.append(f"fired {json.dumps(extra)}")
        checks.append(Check(name, "proposal", not faults, "; ".join(faults)))
    return checks
