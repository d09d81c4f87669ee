"""Applications and their versions in the audit store.

An application is one proposal to a funder, known by the funder's reference (the proposal's
`reference`; where it has none, one is assigned, `CC-` and eight letters, and shown). Each
evaluation of it is kept, in order, and belongs to a version: a new version when the
proposal changed since the application's current evaluation, the same version when it was
evaluated again unchanged. The latest evaluation is the application's current one; a round's
counts, exports and agreement figures read only current ones. Nothing is deleted.

An application belongs to the owner of its first evaluation, and is read under the same rule
as evaluations: its owner, or an admin (scope None); for anyone else it does not exist."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any, Literal

import sqlite_utils

from ..errors import CcrulesError
from .access import Scope, expanded, may_read

Status = Literal["new", "changed", "unchanged"]


class NotFoundApplication(CcrulesError):
    title = "Not found"
    status = 404


def digest(proposal: dict[str, Any]) -> str:
    """What a proposal says, as a short hash: equal for equal answers in any key order."""
    text = json.dumps(proposal, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Placement:
    """Where an evaluation about to be stored goes among its application's versions."""

    application_id: str
    reference: str
    owner: str | None
    version: int
    replaces: str | None  # the application's current evaluation until now
    digest: str
    status: Status
    new_application: bool
    assigned: bool = False


def _reference(proposal: dict[str, Any]) -> str | None:
    ref = proposal.get("reference")
    return " ".join(str(ref).split()) or None if ref is not None else None


def place(db: sqlite_utils.Database, owner: str | None, proposal: dict[str, Any],
          application_id: str | None = None) -> Placement:
    """Where a proposal of `owner` goes: its reference's application (or `application_id`'s,
    when the proposal names no other reference), as a new version if it changed; else a new
    application. Reads only: `link` records it."""
    ref, found = _reference(proposal), None
    if application_id:
        found = _app(db, application_id)
        if found and ref and ref != found["reference"]:
            found = None  # the edit names another application
    if found is None and ref:
        found = _app_by(db, "owner is ? and reference = ?", [owner, ref])
    if found is None and not ref:  # no reference: the same answers are the same application
        found = _app_by(db, "owner is ? and assigned = 1 and id in (select application_id "
                            "from evaluations where current = 1 and digest = ?)",
                        [owner, digest(proposal)])
    mark = digest(proposal)
    if found is None:
        new_id = uuid.uuid4().hex
        return Placement(new_id, ref or f"CC-{new_id[:8].upper()}", owner, 1, None, mark,
                         "new", True, assigned=not ref)
    current = db.execute("select id, version, digest from evaluations where application_id "
                         "= ? and current = 1", [found["id"]]).fetchone()
    last_id, last_version, last_digest = current or (None, 0, None)
    same = last_digest == mark
    return Placement(found["id"], found["reference"], found["owner"],
                     last_version if same else last_version + 1, last_id, mark,
                     "unchanged" if same else "changed", False, bool(found["assigned"]))


def link(db: sqlite_utils.Database, placement: Placement, created_at: str,
         round_id: str | None = None) -> None:
    """Record a placement (inside the caller's transaction, before its evaluation is
    inserted as current): the application if new, its round if given, and the evaluation it
    replaces no longer current."""
    if placement.new_application:
        db.execute("insert into applications (id, owner, reference, assigned, round_id, "
                   "created_at) values (?, ?, ?, ?, ?, ?)",
                   [placement.application_id, placement.owner, placement.reference,
                    int(placement.assigned), round_id, created_at])
    elif round_id is not None:
        join(db, placement.application_id, round_id)
    if placement.replaces:
        db.execute("update evaluations set current = 0 where id = ?", [placement.replaces])


def join(db: sqlite_utils.Database, application_id: str, round_id: str | None) -> None:
    db.execute("update applications set round_id = ? where id = ?", [round_id, application_id])


def _app(db: sqlite_utils.Database, application_id: str) -> dict | None:
    return _app_by(db, "id = ?", [application_id])


def _app_by(db: sqlite_utils.Database, where: str, params: list[Any]) -> dict | None:
    cursor = db.execute(f"select id, owner, reference, assigned, round_id, created_at from "
                        f"applications where {where} order by created_at, rowid limit 1",
                        params)
    row = cursor.fetchone()
    return dict(zip([c[0] for c in cursor.description], row, strict=True)) if row else None


def readable(db: sqlite_utils.Database, application_id: str, scope: Scope) -> dict:
    """The application's row, if `scope` may read it (its owner's, or in a round `scope`
    reads: store/access.py); NotFoundApplication otherwise."""
    found = _app(db, application_id)
    if found is None or not may_read(expanded(db, scope), found["owner"], found["round_id"]):
        raise NotFoundApplication(f"no application {application_id!r}")
    return found


def find(db: sqlite_utils.Database, id_or_reference: str, scope: Scope) -> dict:
    """An application `scope` may read, by its id or by the funder's reference
    (NotFoundApplication if none, or if the reference is more than one readable one's)."""
    if (found := _app(db, id_or_reference)) is not None:
        return readable(db, found["id"], scope)
    access = expanded(db, scope)
    rows = [r for r in db.execute("select id, owner, round_id from applications where "
                                  "reference = ? order by created_at, rowid",
                                  [id_or_reference]).fetchall()
            if may_read(access, r[1], r[2])]
    if len(rows) != 1:
        which = f"; give one of the ids: {', '.join(r[0] for r in rows)}" if rows else ""
        raise NotFoundApplication(f"no single application {id_or_reference!r}{which}")
    return readable(db, rows[0][0], scope)


VERSION_COLUMNS = ("id, created_at, verdict, title, reference, version, replaces, "
                   "changed_by, current, best, worst, completeness, blockers, majors")


def history(db: sqlite_utils.Database, application_id: str, scope: Scope) -> dict:
    """The application and its evaluations, oldest first (each with its version, the
    evaluation it replaced, who made it, and whether it is current), with its decisions."""
    app = readable(db, application_id, scope)
    cursor = db.execute(f"select {VERSION_COLUMNS} from evaluations where application_id = ? "
                        f"order by created_at, rowid", [application_id])
    names = [c[0] for c in cursor.description]
    rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    for row in rows:
        row["current"] = bool(row["current"])
    decided = db.execute("select d.evaluation_id, d.decision, d.reason, d.decided_by_name, "
                         "d.decided_at from decisions d join evaluations e on e.id = "
                         "d.evaluation_id where e.application_id = ? order by d.rowid",
                         [application_id]).fetchall()
    return {"id": app["id"], "reference": app["reference"],
            "reference_assigned": bool(app["assigned"]), "round": app["round_id"],
            "created_at": app["created_at"], "evaluations": rows,
            "versions": max((r["version"] for r in rows), default=0),
            "decisions": [{"evaluation_id": e, "decision": d, "reason": why,
                           "decided_by": by, "decided_at": at}
                          for e, d, why, by, at in decided]}


def of_evaluation(db: sqlite_utils.Database, evaluation_id: str) -> str | None:
    found = db.execute("select application_id from evaluations where id = ?",
                       [evaluation_id]).fetchone()
    return found[0] if found else None


def changes(store: Any, evaluation_id: str, scope: Scope,
            against: str | None = None) -> dict:
    """What changed in this evaluation's proposal since the evaluation it replaced (or
    `against`, another evaluation of the same application), field by field, and who made it.
    NotFound for an evaluation `scope` may not read."""
    from ..proposal.diff import diff

    after, _ = store.proposal(evaluation_id, owner=scope)
    row = store.db.execute("select application_id, version, replaces, changed_by from "
                           "evaluations where id = ?", [evaluation_id]).fetchone()
    application_id, version, replaces, changed_by = row
    earlier = against or replaces
    if against is not None and of_evaluation(store.db, against) != application_id:
        raise NotFoundApplication(f"{against!r} is not an evaluation of the same application")
    before, _ = store.proposal(earlier, owner=scope) if earlier else ({}, None)
    return {"evaluation_id": evaluation_id, "application_id": application_id,
            "version": version, "against": earlier, "changed_by": changed_by,
            "changes": [c.model_dump(mode="json") for c in diff(before, after)]}
