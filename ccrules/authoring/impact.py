"""The impact of a rule change: re-evaluate every stored proposal under new rules and list
those whose verdict would change, with the rules responsible; and, for the evaluations a
panel has decided, which verdicts would move toward the panel's decision and which away.

Toward and away use the agreement of panel/decisions.py: a new verdict moves toward the
decision when it agrees with it more (disagree < partly < agree), away when less; a change
that agrees neither more nor less (e.g. conditional to not_recommended when the panel
deferred) is 'neither'."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field

from ..panel.decisions import AGREEMENT_SCORE, agreement
from ..rulebook.loader import Rulebook
from ..rulebook.model import Severity, Verdict
from ..screening.evaluate import judge
from ..store.database import Store
from ..store.decisions import latest_decisions


@dataclass(frozen=True)
class Changed:
    id: str
    title: str | None
    old: str
    new: str
    rules: list[str]  # verdict-relevant rules that fire in one ruling and not the other


@dataclass(frozen=True)
class Moved:
    """A decided evaluation's verdict, before and after, beside the panel's decision."""

    id: str
    title: str | None
    old: str
    new: str
    decision: str
    rules: list[str]


MOVES = ("toward", "away", "neither", "unchanged")


def move(old: str, new: str, decision: str) -> str:
    """'toward' the decision, 'away' from it, 'neither' (changed, agreeing no more and no
    less) or 'unchanged'."""
    if old == new:
        return "unchanged"
    before = AGREEMENT_SCORE[agreement(old, decision)]
    after = AGREEMENT_SCORE[agreement(new, decision)]
    return "toward" if after > before else "away" if after < before else "neither"


@dataclass
class Impact:
    version: str
    total: int = 0
    changed: list[Changed] = field(default_factory=list)
    panel: dict[str, list[Moved]] = field(default_factory=lambda: {m: [] for m in MOVES})

    @property
    def decided(self) -> int:
        return sum(len(items) for items in self.panel.values())

    @property
    def transitions(self) -> Counter:
        return Counter((c.old, c.new) for c in self.changed)

    def as_dict(self) -> dict:
        return {"ruleset": self.version, "total": self.total, "changed_count": len(self.changed),
                "transitions": [{"from": a, "to": b, "count": n}
                                for (a, b), n in sorted(self.transitions.items())],
                "changed": [asdict(c) for c in self.changed],
                "panel": {"decided": self.decided,
                          **{m: [asdict(x) for x in items] for m, items in self.panel.items()}}}


def impact(store: Store, rulebook: Rulebook) -> Impact:
    """Judge every stored proposal under `rulebook` (verdicts only, engine-checked) and
    report those whose verdict would change; sort those a panel has decided by whether
    the change moves toward its current decision, away from it, neither, or not at all."""
    report = Impact(rulebook.version)
    decisions = latest_decisions(store)
    for row in store.stored():
        old_verdict = row["verdict"]
        judgement = judge(json.loads(row["proposal"]), rulebook)
        verdict, outcome = judgement.verdict, judgement.outcome
        report.total += 1
        decided = decisions.get(row["id"])
        if verdict.value == old_verdict:
            if decided:
                report.panel["unchanged"].append(Moved(row["id"], row["title"], old_verdict,
                                                       verdict.value, decided, []))
            continue
        old = store.get(row["id"])  # the stored result, read only when the verdict moves
        # findings that can lower a verdict, with their severity: a rule is responsible if it
        # fires in one ruling and not the other, or fires in both at another severity
        lowers = rulebook.policy.severity_verdicts
        before = {(f["rule_id"], f["severity"]) for f in old["findings"]
                  if lowers[Severity(f["severity"])] != Verdict.recommended}
        after = {(r.id, r.severity.value) for r in outcome.fired
                 if lowers[r.severity] != Verdict.recommended}
        rules = sorted({rid for rid, _ in before ^ after})
        report.changed.append(Changed(row["id"], old.get("title"), old_verdict,
                                      verdict.value, rules))
        if decided:
            report.panel[move(old_verdict, verdict.value, decided)].append(
                Moved(row["id"], old.get("title"), old_verdict, verdict.value, decided,
                      rules))
    return report
