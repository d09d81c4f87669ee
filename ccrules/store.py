"""The audit store (SQLite through sqlite-utils, in WAL mode).

Every evaluation is kept with the proposal, the full result as returned, the ruleset version
and who made it; every ruleset version is kept as a snapshot of its rule files, so a stored
proposal can be re-evaluated under the rules it was first judged by.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

import sqlite_utils
from sqlite_utils.db import NotFoundError

from .errors import CcrulesError
from .evaluation import Evaluation
from .rulebook import Rulebook, rulebook_from_documents

DEFAULT_DB = Path("var") / "ccrules.db"


class NotFound(CcrulesError):
    title = "Not found"


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
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite_utils.Database(self.path)
        self.db.execute("PRAGMA busy_timeout = 10000")
        if create:
            if self.path != ":memory:":
                self.db.enable_wal()
            self._create()

    def _create(self) -> None:
        self.db["rulesets"].create({"version": str, "documents": str, "created_at": str},
                                   pk="version", if_not_exists=True)
        self.db["evaluations"].create(
            {"id": str, "created_at": str, "verdict": str, "title": str, "reference": str,
             "ruleset_version": str, "owner": str, "proposal": str, "result": str},
            pk="id", not_null={"created_at", "verdict", "ruleset_version", "proposal",
                               "result"},
            foreign_keys=[("ruleset_version", "rulesets", "version")], if_not_exists=True)
        self.db["evaluations"].create_index(["created_at"], if_not_exists=True)
        self.db["evaluations"].create_index(["owner", "created_at"], if_not_exists=True)
        self.db["tokens"].create(
            {"id": str, "name": str, "secret_hash": str, "admin": int, "created_at": str},
            pk="id", if_not_exists=True)

    def close(self) -> None:
        self.db.conn.close()

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
            row = self.db["rulesets"].get(version)
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
        text = evaluation.model_dump_json()
        with self.db.conn:  # one transaction: the ruleset snapshot and the evaluation
            self.save_ruleset(rulebook)
            self.db.execute(
                "insert into evaluations (id, created_at, verdict, title, reference, "
                "ruleset_version, owner, proposal, result) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [evaluation.id, evaluation.created_at, evaluation.verdict.value,
                 evaluation.title, evaluation.reference, rulebook.version, owner,
                 json.dumps(proposal, ensure_ascii=False), text])
        return text

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

    SORTABLE = ("created_at", "verdict", "title", "reference")

    def list(self, owner: str | None = None, verdict: str | None = None,
             since: str | None = None, until: str | None = None, text: str | None = None,
             sort: str = "created_at", descending: bool = True, limit: int = 50,
             offset: int = 0) -> Page:
        """Stored evaluations filtered by owner, verdict, date and text (in the title or
        reference), sorted by one column (newest first by default)."""
        if sort not in self.SORTABLE:
            raise ValueError(f"cannot sort by {sort!r}")
        filters = {"owner = :owner": ("owner", owner),
                   "verdict = :verdict": ("verdict", verdict),
                   "created_at >= :since": ("since", since),
                   "created_at < :until": ("until", until),
                   "(coalesce(title, '') || ' ' || coalesce(reference, '')) like :text "
                   "escape '\\'": ("text", _like(text) if text else None)}
        used = {sql: kv for sql, kv in filters.items() if kv[1] is not None}
        clause = " and ".join(used) or None
        params = dict(used.values())
        table = self.db["evaluations"]
        direction = "desc" if descending else "asc"
        rows = table.rows_where(clause, params, order_by=f"[{sort}] {direction}, id",
                                limit=limit, offset=offset,
                                select="id, created_at, verdict, title, reference, "
                                       "ruleset_version")
        return Page(list(rows), table.count_where(clause or "1", params), limit, offset)

    def stored(self) -> Iterator[dict]:
        """Every stored evaluation's id, proposal and result (JSON text), oldest first,
        read as a stream."""
        yield from self.db["evaluations"].rows_where(select="id, proposal, result",
                                                     order_by="created_at, id")

    def count(self) -> int:
        return self.db["evaluations"].count
