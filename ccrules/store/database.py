"""The audit store (SQLite through sqlite-utils, in WAL mode).

Every evaluation is kept with the proposal, the full result as returned (compressed, read
back byte for byte: store/codec.py), the ruleset version and who made it, and the columns a
listing shows (store/schema.py); every ruleset version is kept as a snapshot of its rule
files, so a stored proposal can be re-evaluated under the rules it was first judged by.
Listings page by keyset (store/keyset.py) and exports stream in batches.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

import sqlite_utils
from sqlite_utils.db import NotFoundError

from ..errors import CcrulesError
from ..judging.result import Evaluation
from ..rulebook.loader import Rulebook, rulebook_from_documents
from . import applications, codec, schema
from .access import Scope, evaluation_filter, expanded, may_read
from .keyset import BadQuery, Order

__all__ = ["BadQuery", "NotFound", "Page", "Scope", "Store", "StoreError"]



class NotFound(CcrulesError):
    title = "Not found"
    status = 404


class StoreError(CcrulesError):
    """The audit database cannot be opened or written."""

    title = "Audit store unavailable"
    status = 503


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
class Saved:
    """Where one evaluation of a batch went, and its stored JSON text (None: not stored,
    unchanged; `evaluation_id` is then the application's current evaluation)."""

    placement: applications.Placement
    evaluation_id: str
    text: str | None

    @property
    def status(self) -> str:
        return self.placement.status


@dataclass(frozen=True)
class Page:
    items: list[dict]
    total: int
    limit: int
    offset: int
    next_cursor: str | None = None


class Store:
    """One connection to the audit database; create one per thread or request."""

    def __init__(self, path: str | Path, create: bool = True):
        """Open the database; `create=False` skips creating the schema (for the many
        short-lived connections of a running service, once it exists)."""
        self.path = str(path)
        self._saved_books: set[bytes] = set()  # codebooks this connection knows are stored
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
        schema.create(self.db, None if self.path == ":memory:" else self._backup_first)

    def _backup_first(self, layout: int) -> None:
        """Before upgrading a database of an earlier layout: a backup beside it, as
        `ccrules backup` makes (StoreError, and no upgrade, if it cannot be made)."""
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
        self.backup(f"{self.path}.layout{max(layout, 1)}-{stamp}-{os.getpid()}.bak")

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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
        transaction: all are kept, or (if anything fails, the process included) none. Each
        becomes a version of its application (store/applications.py). Returns each stored
        result as JSON text, in order."""
        return [s.text or "" for s in self.save_versions(items, rulebook, owner)]

    def save_versions(self, items: list[tuple[Evaluation, dict[str, Any]]],
                      rulebook: Rulebook, owner: str | None = None,
                      skip_unchanged: bool = False, round_id: str | None = None,
                      changed_by: str | None = None,
                      application_id: str | None = None) -> list[Saved]:
        """As save_many, saying where each went: a new application, a new version of one
        (changed), or (with `skip_unchanged`, for uploads) not stored at all because its
        application's current evaluation has the same proposal. With `round_id`, every
        application joins that round; `application_id` is the application an edit started
        from (store/applications.place). Results are serialised once: the stored copy is
        this text, compressed."""
        book = codec.codebook_for(rulebook)
        saved: list[Saved] = []
        # One transaction: the snapshots and every evaluation. Threads of this process
        # take turns on a lock first: waiting for SQLite's own lock sleeps a millisecond
        # or more at a time, longer than the commit it waits for.
        with _write_lock(self.path), self.db.conn:
            self.save_ruleset(rulebook)
            if book.digest not in self._saved_books:
                schema.save_codebook(self.db, book)
            for evaluation, proposal in items:
                where = applications.place(self.db, owner, proposal, application_id)
                if skip_unchanged and where.status == "unchanged":
                    if round_id is not None:
                        applications.join(self.db, where.application_id, round_id)
                    saved.append(Saved(where, where.replaces or "", None))
                    continue
                saved.append(Saved(where, evaluation.id, self._insert(
                    evaluation, proposal, rulebook, book, where, changed_by, round_id)))
        self._saved_books.add(book.digest)
        return saved

    def _insert(self, evaluation: Evaluation, proposal: dict[str, Any], rulebook: Rulebook,
                book: codec.Codebook, where: applications.Placement, changed_by: str | None,
                round_id: str | None) -> str:
        text = evaluation.model_dump_json()
        applications.link(self.db, where, evaluation.created_at, round_id)
        listed = [evaluation.id, evaluation.created_at, evaluation.verdict.value,
                  evaluation.title, where.reference, rulebook.version, where.owner,
                  *schema.listing_values(evaluation, proposal),
                  where.application_id, where.version, where.replaces, where.digest,
                  changed_by, 1, schema.LAYOUT]
        self.db.conn.execute(f"insert into evaluations ({self.SUMMARY}) values "
                             f"({', '.join('?' * len(listed))})", listed)
        self.db.conn.execute(
            "insert into evaluation_bodies (id, asks, proposal, result) values (?, ?, ?, ?)",
            [evaluation.id, codec.pack_asks((c.text for c in evaluation.conditions),
                                            (m.question for m in evaluation.missing),
                                            codec.findings_of(evaluation.findings)),
             codec.pack(json.dumps(proposal, ensure_ascii=False)),
             codec.pack_result(text, book)])
        return text

    def _unpack(self, blob: bytes | str) -> str:
        digest = codec.digest_of(blob)
        if digest is not None and digest not in _CODEBOOKS:
            found = self.db.execute("select strings from codebooks where digest = ?",
                                    [digest.hex()]).fetchone()
            if found is None:
                raise StoreError(f"a stored evaluation needs codebook {digest.hex()}, "
                                 "which the database does not hold")
            _CODEBOOKS[digest] = json.loads(found[0])
        return codec.unpack(blob, _CODEBOOKS)

    def _row(self, evaluation_id: str, owner: Scope) -> dict:
        cursor = self.db.execute(
            "select e.owner, e.ruleset_version, b.proposal, b.result, (select a.round_id "
            "from applications a where a.id = e.application_id) as round_id "
            "from evaluations e join evaluation_bodies b on b.id = e.id where e.id = ?",
            [evaluation_id])
        found = cursor.fetchone()
        row = dict(zip([c[0] for c in cursor.description], found, strict=True)) \
            if found else None
        if row is None or not may_read(expanded(self.db, owner), row["owner"],
                                       row["round_id"]):
            raise NotFound(f"no evaluation {evaluation_id!r}")  # others' look the same
        return row

    def get_json(self, evaluation_id: str, owner: Scope = None) -> str:
        """The result as JSON text, exactly as it was returned when it was made."""
        return self._unpack(self._row(evaluation_id, owner)["result"])

    def get(self, evaluation_id: str, owner: Scope = None) -> dict:
        """The result exactly as it was returned when the evaluation was made."""
        return json.loads(self.get_json(evaluation_id, owner))

    def proposal(self, evaluation_id: str, owner: Scope = None) -> tuple[dict, str]:
        """The stored proposal and the ruleset version it was judged by."""
        row = self._row(evaluation_id, owner)
        return json.loads(self._unpack(row["proposal"])), row["ruleset_version"]

    SORTABLE = ("created_at", "verdict", "title", "reference", "applicant")
    SUMMARY = ("id, created_at, verdict, title, reference, ruleset_version, owner, "
               + ", ".join([*schema.LISTING, *schema.VERSIONING]))
    # What a round's table and exports show of each evaluation: its listing row, kept
    # beside the compressed result so a listing never reads or decodes results.
    LISTED = ("id, created_at, verdict, title, reference, ruleset_version, "
              + ", ".join(schema.LISTING) + ", application_id, version, current")
    BATCH = 500  # rows read at a time by a stream
    # an export's row also has its current decision and the reason given for it
    DECIDED = "".join(f", (select d.{c} from decisions d where d.evaluation_id = "
                      f"evaluations.id order by d.rowid desc limit 1) as {name}"
                      for c, name in (("decision", "decision"), ("reason", "decision_reason")))

    def _where(self, owner: Scope, verdict: str | None, since: str | None,
               until: str | None, text: str | None, round_id: str | None = None,
               versions: str = "current") -> tuple[str | None, dict[str, Any]]:
        """The listing's filters as SQL: by default only each application's current
        evaluation (versions="all": every one)."""
        filters = {"current = :current": ("current", 1 if versions == "current" else None),
                   "application_id in (select id from applications where round_id = "
                   ":round_id)": ("round_id", round_id),
                   **evaluation_filter(expanded(self.db, owner)),
                   "verdict = :verdict": ("verdict", verdict),
                   "created_at >= :since": ("since", since),
                   "created_at < :until": ("until", until),
                   "(coalesce(title, '') || ' ' || coalesce(reference, '') || ' ' || "
                   "coalesce(applicant, '')) like :text escape '\\'": (
                       "text", _like(text) if text else None)}
        used = {sql: kv for sql, kv in filters.items() if kv[1] is not None}
        return " and ".join(used) or None, dict(used.values())

    def _rows(self, clause: str | None, params: dict[str, Any], order: Order, limit: int,
              offset: int = 0, after: tuple[str, str] | None = None,
              asks: bool = False) -> list[dict]:
        where = [clause] if clause else []
        if after is not None:
            where.append(order.after())
            params = {**params, "after_key": after[0], "after_id": after[1]}
        select = self.LISTED + (", (select asks from evaluation_bodies b where b.id = "
                                "evaluations.id) as asks" + self.DECIDED if asks else "")
        cursor = self.db.execute(
            f"select {select} from evaluations where {' and '.join(where) or '1'} "
            f"order by {order.sql} limit :limit offset :offset",
            {**params, "limit": limit, "offset": offset})
        names = [c[0] for c in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        if asks:
            for row in rows:
                row["conditions"], row["questions"], row["findings"] = codec.unpack_asks(
                    row.pop("asks"))
        return rows

    def list(self, owner: Scope = None, verdict: str | None = None,
             since: str | None = None, until: str | None = None, text: str | None = None,
             sort: str = "created_at", descending: bool = True, limit: int = 50,
             offset: int = 0, cursor: str | None = None, round_id: str | None = None,
             versions: str = "current") -> Page:
        """Stored evaluations filtered by owner, verdict, date and text (in the title,
        reference or applicant), sorted by one column (newest first by default), one page
        of them: after `cursor` (a page's next_cursor) if given, else after `offset` rows."""
        order = Order(sort, descending)
        after = order.read(cursor) if cursor else None
        if after is not None and offset:
            raise BadQuery("give a cursor or an offset, not both")
        clause, params = self._where(owner, verdict, since, until, text, round_id, versions)
        rows = self._rows(clause, params, order, limit + 1, offset, after)
        more = len(rows) > limit
        rows = rows[:limit]
        (total,) = self.db.execute(f"select count(*) from evaluations where "
                                   f"{clause or '1'}", params).fetchone()
        return Page(rows, total, limit, offset,
                    order.cursor(rows[-1]) if more and rows else None)

    def verdict_counts(self, owner: Scope = None, verdict: str | None = None,
                       since: str | None = None, until: str | None = None,
                       text: str | None = None, round_id: str | None = None,
                       versions: str = "current") -> dict[str, int]:
        """How many evaluations the filters select, by verdict."""
        clause, params = self._where(owner, verdict, since, until, text, round_id, versions)
        rows = self.db.execute(f"select verdict, count(*) from evaluations where "
                               f"{clause or '1'} group by verdict", params).fetchall()
        return {v: n for v, n in rows}

    def stream(self, owner: Scope = None, verdict: str | None = None,
               since: str | None = None, until: str | None = None, text: str | None = None,
               sort: str = "created_at", descending: bool = True,
               asks: bool = False, round_id: str | None = None,
               versions: str = "current") -> Iterator[dict]:
        """Every stored evaluation the filters select, in order, read BATCH rows at a time
        by keyset (for exports, which have no page limit: memory stays flat however many
        there are). With `asks`, each row also has its conditions' texts, questions and
        findings, and its current decision with its reason."""
        order = Order(sort, descending)
        clause, params = self._where(owner, verdict, since, until, text, round_id, versions)
        after = None
        while True:
            rows = self._rows(clause, params, order, self.BATCH, after=after, asks=asks)
            yield from rows
            if len(rows) < self.BATCH:
                return
            after = order.position(rows[-1])

    def stored(self) -> Iterator[dict]:
        """Every stored evaluation's id, verdict, title and proposal (JSON text), oldest
        first, read BATCH rows at a time."""
        after = ("", "")
        while True:
            rows = self.db.execute(
                "select e.created_at, e.id, e.verdict, e.title, b.proposal from evaluations e "
                "join evaluation_bodies b on b.id = e.id where (e.created_at, e.id) > (?, ?) "
                "order by e.created_at, e.id limit ?", [*after, self.BATCH]).fetchall()
            for _, ident, verdict, title, proposal in rows:
                yield {"id": ident, "verdict": verdict, "title": title,
                       "proposal": self._unpack(proposal)}
            if len(rows) < self.BATCH:
                return
            after = (rows[-1][0], rows[-1][1])

    def count(self) -> int:
        return self.db.table("evaluations").count


# codebooks by digest: a digest names its content, so one cache serves every database
_CODEBOOKS: dict[bytes, list[str]] = {}
_WRITE_LOCKS: dict[str, threading.Lock] = {}


def _write_lock(path: str) -> threading.Lock:
    """The lock this process's writers to one database file take turns on."""
    return _WRITE_LOCKS.setdefault(path, threading.Lock())
