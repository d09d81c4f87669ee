"""The impact of a rule change: re-evaluate every stored proposal under new rules and list
those whose verdict would change, with the rules responsible."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

from .rulebook import Rulebook
from .screener import evaluate
from .store import Store
from .rule_model import Severity, Verdict


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
    report = Impact(rulebook.version)
    for evaluation_id in store.all_ids():
        proposal, _ = store.proposal(evaluation_id)
        old = store.get(evaluation_id)
        new = evaluate(proposal, rulebook)
        report.total += 1
        if new.verdict.value == old["verdict"]:
            continue
        # findings that can lower a verdict, with their severity: a rule is responsible if it
        # fires in one ruling and not the other, or fires in both at another severity
        lowers = rulebook.policy.severity_verdicts
        before = {(f["rule_id"], f["severity"]) for f in old["findings"]
                  if lowers[Severity(f["severity"])] != Verdict.recommended}
        after = {(f.rule_id, f.severity.value) for f in new.findings
                 if lowers[f.severity] != Verdict.recommended}
        report.changed.append(Changed(evaluation_id, old.get("title"), old["verdict"],
                                      new.verdict.value,
                                      sorted({rid for rid, _ in before ^ after})))
    return report
