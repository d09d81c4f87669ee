"""The impact of a rule change: re-evaluate every stored proposal under new rules and list
those whose verdict would change, with the rules responsible."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field

from ..rulebook.loader import Rulebook
from ..rulebook.model import Severity, Verdict
from ..screening.evaluate import judge
from ..store.database import Store


@dataclass(frozen=True)
class Changed:
    id: str
    title: str | None
    old: str
    new: str
    rules: list[str]  # verdict-relevant rules that fire in one ruling and not the other


@dataclass
class Impact:
    version: str
    total: int = 0
    changed: list[Changed] = field(default_factory=list)

    @property
    def transitions(self) -> Counter:
        return Counter((c.old, c.new) for c in self.changed)

    def as_dict(self) -> dict:
        return {"ruleset": self.version, "total": self.total, "changed_count": len(self.changed),
                "transitions": [{"from": a, "to": b, "count": n}
                                for (a, b), n in sorted(self.transitions.items())],
                "changed": [asdict(c) for c in self.changed]}


def impact(store: Store, rulebook: Rulebook) -> Impact:
    """Judge every stored proposal under `rulebook` (verdicts only, engine-checked) and
    report those whose verdict would change."""
    report = Impact(rulebook.version)
    for row in store.stored():
        old = json.loads(row["result"])
        judgement = judge(json.loads(row["proposal"]), rulebook)
        verdict, outcome = judgement.verdict, judgement.outcome
        report.total += 1
        if verdict.value == old["verdict"]:
            continue
        # findings that can lower a verdict, with their severity: a rule is responsible if it
        # fires in one ruling and not the other, or fires in both at another severity
        lowers = rulebook.policy.severity_verdicts
        before = {(f["rule_id"], f["severity"]) for f in old["findings"]
                  if lowers[Severity(f["severity"])] != Verdict.recommended}
        after = {(r.id, r.severity.value) for r in outcome.fired
                 if lowers[r.severity] != Verdict.recommended}
        report.changed.append(Changed(row["id"], old.get("title"), old["verdict"],
                                      verdict.value,
                                      sorted({rid for rid, _ in before ^ after})))
    return report
