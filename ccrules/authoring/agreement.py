"""How the panel's decisions compare with the screener's verdicts, over a period or the
evaluations a filter selects, using each evaluation's current decision:

- a confusion table of verdict against decision, with the agreement rate (the share of
  decided evaluations whose decision matches the verdict: recommended~funded,
  conditional~funded_with_conditions, not_recommended~declined,
  insufficient_information~deferred) and, beside it, the share that at least point the
  same way (partial agreement: both fund without matching; never counted as agreement);
- per rule, how often its finding was set aside when it fired, with the reasons grouped
  (the same reason in other words, or near enough, counted once).

Evaluations without a decision are counted, not compared."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from pydantic import BaseModel, Field

from ..panel.decisions import Decision, DecisionRecord
from ..rulebook.model import Verdict
from ..store.database import Store
from ..store.decisions import current_decisions
from .reasons import MAX_GROUPS, ReasonGroup, grouped


class RuleOverrides(BaseModel):
    rule_id: str
    title: str
    fired: int = Field(description="Decided evaluations in which the rule's finding fired.")
    set_aside: int = Field(description="Of those, how many set the finding aside.")
    rate: float = Field(description="set_aside / fired.")
    reason_groups: int = Field(description="How many different reasons were given.")
    reasons: list[ReasonGroup] = Field(description=(
        f"The reasons, grouped, largest group first (at most {MAX_GROUPS})."))


class AgreementReport(BaseModel):
    evaluations: int = Field(description="Evaluations the filters select.")
    decided: int = Field(description="Of those, how many have a decision (the current one "
                                     "counts).")
    agree: int = Field(description="Decisions that match the verdict.")
    partly: int = Field(description="Decisions that fund when the verdict does, without "
                                    "matching it (recommended with funded_with_conditions, "
                                    "conditional with funded).")
    disagree: int
    agreement_rate: float | None = Field(description="agree / decided (null if none).")
    same_direction_rate: float | None = Field(description=(
        "(agree + partly) / decided (null if none)."))
    table: dict[Verdict, dict[Decision, int]] = Field(description=(
        "Verdict to decision to the number of decided evaluations."))
    rules: list[RuleOverrides] = Field(description=(
        "Every rule whose finding fired in a decided evaluation, most often set aside "
        "first."))


def agreement_report(store: Store, scope: str | None, since: datetime | None = None,
                     until: datetime | None = None, verdict: str | None = None,
                     text: str | None = None, round_id: str | None = None
                     ) -> AgreementReport:
    """The agreement over the current evaluations of the applications `scope` may read (its
    own, or all for None) made in [since, until) with this verdict and text, in this round,
    if given."""
    total, records = current_decisions(store, scope, verdict, _stamp(since), _stamp(until),
                                       text, round_id)
    return tally(total, records)


def _stamp(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def tally(evaluations: int, records: Iterable[DecisionRecord]) -> AgreementReport:
    """The report from current decisions (one per evaluation) among `evaluations`."""
    records = list(records)
    table = {v: {d: 0 for d in Decision} for v in Verdict}
    kinds: Counter[str] = Counter()
    for r in records:
        table[r.verdict][r.decision] += 1
        kinds[r.agreement] += 1
    decided = len(records)
    return AgreementReport(
        evaluations=evaluations, decided=decided, agree=kinds["agree"],
        partly=kinds["partly"], disagree=kinds["disagree"],
        agreement_rate=_rate(kinds["agree"], decided),
        same_direction_rate=_rate(kinds["agree"] + kinds["partly"], decided),
        table=table, rules=rule_overrides(records))


def rule_overrides(records: Iterable[DecisionRecord]) -> list[RuleOverrides]:
    """Per rule: how often its finding fired in these decisions and how often it was set
    aside, with the reasons grouped (in time linear in the reasons: .reasons); most often
    set aside first."""
    fired: Counter[str] = Counter()
    titles: dict[str, str] = {}
    reasons: dict[str, list[str]] = {}
    for record in records:
        for f in record.findings:
            fired[f.rule_id] += 1
            titles.setdefault(f.rule_id, f.title)
            if not f.accepted:
                reasons.setdefault(f.rule_id, []).append(f.reason or "")
    rows = []
    for rule, n in fired.items():
        given = reasons.get(rule, [])
        groups, total = grouped(given)
        rows.append(RuleOverrides(rule_id=rule, title=titles[rule], fired=n,
                                  set_aside=len(given), rate=round(len(given) / n, 4),
                                  reason_groups=total, reasons=groups))
    return sorted(rows, key=lambda r: (-r.rate, -r.set_aside, r.rule_id))


def override_rates(store: Store) -> dict[str, RuleOverrides]:
    """Every rule's override figures over the current decisions of the whole store (for
    the rule catalogue)."""
    _, records = current_decisions(store)
    return {r.rule_id: r for r in rule_overrides(records)}
