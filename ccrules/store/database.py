"""The audit store (SQLite through sqlite-utils, in WAL mode).

Every evaluation is kept with the proposal, the full result as returned, the ruleset version
and who made it; every ruleset version is kept as a snapshot of its rule files, so a stored
proposal can be re-evaluated under the rules it was first judged by.
"""

from __future__ import annotations

import json
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

import sqlite_utils
from sqlite_utils.db import NotFoundError

from ..errors import CcrulesError
from ..judging.result import Evaluation
from ..rulebook.loader import Rulebook, rulebook_from_documents

DEFAULT_DB = Path("var") / "ccrules.db"


class NotFound(CcrulesError):
    title = "Not found"
    status = 404


class StoreError(CcrulesError):
    """The audit database cannot be opened or written."""

    title = "Audit store unavailable"
    status = 503


class BadQuery(CcrulesError):
    """A listing asked for something the store cannot do (e.g. sort by an unknown column)."""

    title = "Invalid query"
    status = 422


def _create_private(path: str) -> None:
    """Proposals are confidential: a new database file is made readable by its owner only
    (the journal files SQLite creates beside it take the same mode). An existing file is
    left alone: opening and closing it here would drop the SQLite locks this process holds
    on it through other connections (POSIX locks belong to the process), which corrupts it."""
    if os.path.exists(path):
        return
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600))
    except FileExistsError:
        pass  # another process made it meanwhile


def _like(text: str) -> str:
    """A LIKE pattern matching `text` anywhere, with LIKE's wildcards taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Page:
    items: list[dict]
    total: int
    limit: int
    offset: int


class Store:
    """One connection to the audit database; create one per thread or request."""

    def __init__(self, path: str | Path, create: bool = True):
        """Open the database; `create=False` skips creating the schema (for the many
        short-lived connections of a running service, once it exists)."""
        self.path = str(path)
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
                _create_private(self.path)
            self.db = sqlite_utils.Database(self.path)
            self.db.execute("PRAGMA busy_timeout = 10000")
            if create:
                if self.path != ":memory:":
                    self.db.enable_wal()
                self._create()
        except (OSError, sqlite3.Error) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise StoreError(f"cannot open the audit database {self.path}: {reason}") from None

    def _create(self) -> None:
        self.db.table("rulesets").create({"version": str, "documents": str, "created_at": str},
                                   pk="version", if_not_exists=True)
        self.db.table("evaluations").create(
            {"id": str, "created_at": str, "verdict": str, "title": str, "reference": str,
             "ruleset_version": str, "owner": str, "proposal": str, "result": str},
            pk="id", not_null={"created_at", "verdict", "ruleset_version", "proposal",
                               "result"},
            foreign_keys=[("ruleset_version", "rulesets", "version")], if_not_exists=True)
        self.db.table("evaluations").create_index(["created_at"], if_not_exists=True)
        self.db.table("evaluations").create_index(["owner", "created_at"], if_not_exists=True)
        tokens = self.db.table("tokens")
        tokens.create(
            {"id": str, "name": str, "secret_hash": str, "admin": int, "created_at": str,
             "revoked_at": str}, pk="id", if_not_exists=True)
        if "revoked_at" not in tokens.columns_dict:  # a database made before revocation
            tokens.add_column("revoked_at", str)
        self.db.table("reload_requests").create(
            {"version": str, "requested_at": str, "pid": int}, if_not_exists=True)
        self.db.table("sessions").create(
            {"id": str, "token_id": str, "created_at": str, "expires_at": str}, pk="id",
            foreign_keys=[("token_id", "tokens", "id")], if_not_exists=True)
        # panel decisions (store/decisions.py): append-only, the latest one is current
        self.db.table("decisions").create(
            {"id": str, "evaluation_id": str, "decision": str, "findings": str,
             "conditions": str, "note": str, "decided_by": str, "decided_by_name": str,
             "decided_at": str}, pk="id",
            not_null={"evaluation_id", "decision", "findings", "conditions",
                      "decided_by_name", "decided_at"},
            foreign_keys=[("evaluation_id", "evaluations", "id")], if_not_exists=True)
        self.db.table("decisions").create_index(["evaluation_id"], if_not_exists=True)
        for action in ("update", "delete"):
            self.db.execute(f"create trigger if not exists decisions_no_{action} before "
                            f"{action} on decisions begin select raise(abort, 'decisions "
                            f"are append-only: record a new one instead'); end")

    def close(self) -> None:
        self.db.conn.close()

    def backup(self, dest: str | Path) -> int:
        """Copy the whole database to `dest` while it is in use (SQLite's online backup:
        a consistent snapshot, even with a server writing). The copy is private like the
        original. Returns the number of evaluations it holds."""
        dest = str(dest)
        if os.path.exists(dest):
            raise StoreError(f"{dest} exists: a backup never overwrites a file")
        Path(dest).parent.mkdir(parents=True, exist_ok=True)
        _create_private(dest)
        target = sqlite3.connect(dest)
        try:
            self.db.conn.backup(target)
            (count,) = target.execute("select count(*) from evaluations").fetchone()
            (check,) = target.execute("pragma integrity_check").fetchone()
        finally:
            target.close()
        if check != "ok":
            raise StoreError(f"the backup at {dest} failed its integrity check: {check}")
        return int(count)

    # -- rulesets ---------------------------------------------------------------------------
    def save_ruleset(self, rulebook: Rulebook) -> None:
        """Keep a snapshot of the rule files behind a version (once per version)."""
        known = self.db.execute("select 1 from rulesets where version = ?",
                                [rulebook.version]).fetchone()
        if not known:
            self.db.execute("insert or ignore into rulesets (version, documents, created_at) "
                            "values (?, ?, ?)", [rulebook.version,
                                                 json.dumps(rulebook.documents), _now()])

    def ruleset(self, version: str) -> Rulebook:
        """Rebuild the rulebook a stored evaluation used, from its snapshot."""
        try:
            row = self.db.table("rulesets").get(version)
        except NotFoundError:
            raise NotFound(f"no stored ruleset {version!r}") from None
        return rulebook_from_documents(json.loads(row["documents"]), f"snapshot {version}")

    # -- evaluations ------------------------------------------------------------------------
    def save(self, evaluation: Evaluation, proposal: dict[str, Any], rulebook: Rulebook,
             owner: str | None = None) -> dict:
        """Store an evaluation with its proposal and ruleset snapshot, in one transaction.
        Returns the stored result (the JSON that GET will return)."""
        return json.loads(self.save_json(evaluation, proposal, rulebook, owner))

    def save_json(self, evaluation: Evaluation, proposal: dict[str, Any], rulebook: Rulebook,
                  owner: str | None = None) -> str:
        """As save(), returning the stored result as JSON text (what GET will return)."""
        return self.save_many([(evaluation, proposal)], rulebook, owner)[0]

    def save_many(self, items: list[tuple[Evaluation, dict[str, Any]]], rulebook: Rulebook,
                  owner: str | None = None) -> list[str]:
        """Store evaluations with their proposals and the ruleset snapshot in one
        transaction: all are kept, or (if anything fails, the process included) none.
        Returns each stored result as JSON text, in order."""
        texts = [evaluation.model_dump_json() for evaluation, _ in items]
        rows = [[evaluation.id, evaluation.created_at, evaluation.verdict.value,
                 evaluation.title, evaluation.reference, rulebook.version, owner,
                 json.dumps(proposal, ensure_ascii=False), text]
                for (evaluation, proposal), text in zip(items, texts, strict=True)]
        with self.db.conn:  # one transaction: the ruleset snapshot and every evaluation
            self.save_ruleset(rulebook)
            self.db.conn.executemany(
                "insert into evaluations (id, created_at, verdict, title, reference, "
                "ruleset_version, owner, proposal, result) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows)
        return texts

    def _row(self, evaluation_id: str, owner: str | None) -> dict:
        cursor = self.db.execute("select owner, ruleset_version, proposal, result "
                                 "from evaluations where id = ?", [evaluation_id])
        found = cursor.fetchone()
        row = dict(zip([c[0] for c in cursor.description], found, strict=True)) \
            if found else None
        if row is None or (owner is not None and row["owner"] != owner):
            raise NotFound(f"no evaluation {evaluation_id!r}")  # others' look the same
        return row

    def get_json(self, evaluation_id: str, owner: str | None = None) -> str:
        """The result as JSON text, exactly as it was returned when it was made."""
        return self._row(evaluation_id, owner)["result"]

    def get(self, evaluation_id: str, owner: str | None = None) -> dict:
        """The result exactly as it was returned when the evaluation was made."""
        return json.loads(self.get_json(evaluation_id, owner))

    def proposal(self, evaluation_id: str, owner: str | None = None) -> tuple[dict, str]:
        """The stored proposal and the ruleset version it was judged by."""
        row = self._row(evaluation_id, owner)
        return json.loads(row["proposal"]), row["ruleset_version"]

    SORTABLE = ("created_at", "verdict", "title", "reference", "applicant")
    # What a round's table and exports show of each evaluation, read from its stored proposal
    # and result (JSON) by SQLite, so a listing never loads whole results into Python.
    LISTED = ("id, created_at, verdict, title, reference, ruleset_version, "
              "json_extract(proposal, '$.applicant') as applicant, "
              "json_extract(result, '$.verdict_range.best') as best, "
              "json_extract(result, '$.verdict_range.worst') as worst, "
              "json_extract(result, '$.completeness') as completeness, "
              "(select count(*) from json_each(result, '$.findings') "
              " where json_extract(value, '$.severity') = 'blocker') as blockers, "
              "(select count(*) from json_each(result, '$.findings') "
              " where json_extract(value, '$.severity') = 'major') as majors, "
              "json_array_length(result, '$.missing') as open_questions")

    def _where(self, owner: str | None, verdict: str | None, since: str | None,
               until: str | None, text: str | None) -> tuple[str | None, dict[str, Any]]:
        filters = {"owner = :owner": ("owner", owner),
                   "verdict = :verdict": ("verdict", verdict),
                   "created_at >= :since": ("since", since),
                   "created_at < :until": ("until", until),
                   "(coalesce(title, '') || ' ' || coalesce(reference, '') || ' ' || "
                   "coalesce(json_extract(proposal, '$.applicant'), '')) like :text "
                   "escape '\\'": ("text", _like(text) if text else None)}
        used = {sql: kv for sql, kv in filters.items() if kv[1] is not None}
        return " and ".join(used) or None, dict(used.values())

    def _order(self, sort: str, descending: bool) -> str:
        if sort not in self.SORTABLE:
            raise BadQuery(f"cannot sort by {sort!r}; one of {', '.join(self.SORTABLE)}")
        return f"[{sort}] {'desc' if descending else 'asc'}, id"

    def list(self, owner: str | None = None, verdict: str | None = None,
             since: str | None = None, until: str | None = None, text: str | None = None,
             sort: str = "created_at", descending: bool = True, limit: int = 50,
             offset: int = 0) -> Page:
        """Stored evaluations filtered by owner, verdict, date and text (in the title or
        reference), sorted by one column (newest first by default), one page of them."""
        order = self._order(sort, descending)
        clause, params = self._where(owner, verdict, since, until, text)
        table = self.db.table("evaluations")
        rows = table.rows_where(clause, params, order_by=order, limit=limit, offset=offset,
                                select=self.LISTED)
        return Page(list(rows), table.count_where(clause or "1", params), limit, offset)

    def verdict_counts(self, owner: str | None = None, verdict: str | None = None,
                       since: str | None = None, until: str | None = None,
                       text: str | None = None) -> dict[str, int]:
        """How many evaluations the filters select, by verdict."""
        clause, params = self._where(owner, verdict, since, until, text)
        rows = self.db.execute(f"select verdict, count(*) from evaluations where "
                               f"{clause or '1'} group by verdict", params).fetchall()
        return {v: n for v, n in rows}

    def stream(self, owner: str | None = None, verdict: str | None = None,
               since: str | None = None, until: str | None = None, text: str | None = None,
               sort: str = "created_at", descending: bool = True) -> Iterator[dict]:
        """Every stored evaluation the filters select, in order, read as a stream (for
        exports, which have no page limit)."""
        order = self._order(sort, descending)
        clause, params = self._where(owner, verdict, since, until, text)
        yield from self.db.table("evaluations").rows_where(clause, params, order_by=order,
                                                     select=self.LISTED)

    def stored(self) -> Iterator[dict]:
        """Every stored evaluation's id, proposal and result (JSON text), oldest first,
        read as a stream."""
        yield from self.db.table("evaluations").rows_where(select="id, proposal, result",
                                                     order_by="created_at, id")

    def count(self) -> int:
        return self.db.table("evaluations").count
