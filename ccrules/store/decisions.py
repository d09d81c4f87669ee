"""Panel decisions in the audit store, beside the evaluations they decide.

Append-only: a decision is never changed or deleted (the database refuses both); a later
one supersedes it, and the latest is the current decision. Decisions are read and recorded
under the evaluation's own access rule: whoever may read the evaluation (its owner, or an
admin) may read and add its decisions; for anyone else it does not exist (NotFound)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from ..panel.decisions import (
    ConditionReview,
    DecidedBy,
    DecisionInput,
    DecisionRecord,
    FindingReview,
    agreement,
    review,
)
from .database import Store

COLUMNS = ("id, evaluation_id, decision, findings, conditions, note, decided_by, "
           "decided_by_name, decided_at, reason")
# the latest decision of each evaluation (rowids only grow: nothing is ever deleted)
LATEST = "d.rowid = (select max(x.rowid) from decisions x where x.evaluation_id = d.evaluation_id)"


@dataclass(frozen=True)
class Decider:
    """Whose access records a decision (the token's id and name; the decision names the
    person, DecisionInput.decided_by), and whose evaluations they may decide (None: all)."""

    id: str | None
    name: str
    scope: str | None


def add_decision(store: Store, evaluation_id: str, given: DecisionInput,
                 who: Decider) -> DecisionRecord:
    """Record a decision on an evaluation `who` may read (NotFound otherwise), after
    checking every item set aside against it (DecisionError, nothing stored). Returns the
    stored decision, now the current one."""
    evaluation = store.get(evaluation_id, owner=who.scope)
    findings, conditions = review(evaluation, given)
    row = {"id": uuid.uuid4().hex, "evaluation_id": evaluation_id,
           "decision": given.decision.value,
           "findings": json.dumps([f.model_dump() for f in findings], ensure_ascii=False),
           "conditions": json.dumps([c.model_dump() for c in conditions], ensure_ascii=False),
           "note": (given.note or "").strip() or None, "decided_by": who.id,
           "decided_by_name": given.decided_by, "reason": given.reason,
           "decided_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    with store.db.conn:
        store.db.execute(f"insert into decisions ({COLUMNS}) values "
                         f"({', '.join(':' + c for c in COLUMNS.split(', '))})", row)
    return _record(row, evaluation["verdict"], current=True)


def history(store: Store, evaluation_id: str,
            scope: str | None) -> tuple[str, list[DecisionRecord]]:
    """The evaluation's verdict and every decision on it, newest first, the first marked
    current (NotFound if `scope` may not read the evaluation)."""
    verdict = store.get(evaluation_id, owner=scope)["verdict"]
    cursor = store.db.execute(f"select {COLUMNS} from decisions where evaluation_id = ? "
                              f"order by rowid desc", [evaluation_id])
    rows = _dicts(cursor)
    return verdict, [_record(r, verdict, current=i == 0) for i, r in enumerate(rows)]


def current_decisions(store: Store, owner: str | None = None, verdict: str | None = None,
                      since: str | None = None, until: str | None = None,
                      text: str | None = None, round_id: str | None = None,
                      versions: str = "current") -> tuple[int, list[DecisionRecord]]:
    """Among the evaluations the filters select (as in a listing: by default each
    application's current evaluation only), how many there are and the current decision of
    each one that has one, in the order the evaluations were stored."""
    clause, params = store._where(owner, verdict, since, until, text, round_id,
                                  versions)  # a listing's filters
    where = clause or "1"
    (total,) = store.db.execute(f"select count(*) from evaluations where {where}",
                                params).fetchone()
    cursor = store.db.execute(
        f"select e.verdict as verdict, {', '.join('d.' + c for c in COLUMNS.split(', '))} "
        f"from (select id, verdict, created_at, rowid as n from evaluations where {where}) e "
        f"join decisions d on d.evaluation_id = e.id where {LATEST} "
        f"order by e.created_at, e.n", params)
    return int(total), [_record(r, r["verdict"], current=True) for r in _dicts(cursor)]


def latest_decisions(store: Store) -> dict[str, str]:
    """Evaluation id to its current decision, for every evaluation that has one."""
    rows = store.db.execute(f"select d.evaluation_id, d.decision from decisions d "
                            f"where {LATEST}").fetchall()
    return dict(rows)


def _dicts(cursor: Any) -> list[dict]:
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _record(row: dict, verdict: str, current: bool) -> DecisionRecord:
    return DecisionRecord(
        id=row["id"], evaluation_id=row["evaluation_id"], verdict=verdict,
        decision=row["decision"], agreement=agreement(verdict, row["decision"]),
        findings=[FindingReview(**f) for f in json.loads(row["findings"])],
        conditions=[ConditionReview(**c) for c in json.loads(row["conditions"])],
        note=row["note"], reason=row.get("reason"), decided_by=DecidedBy(id=row["decided_by"],
                                               name=row["decided_by_name"]),
        decided_at=row["decided_at"], current=current)
