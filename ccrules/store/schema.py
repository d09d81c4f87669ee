"""The audit database's tables, and the upgrade of a database made by an earlier version.

Layout 3 (PRAGMA user_version = 3) keeps an evaluation in two rows:

- `evaluations`: what a listing shows and filters on (ids, dates, verdicts, titles, the
  range, counts), small, so a round of 100,000 is scanned, sorted and counted quickly;
- `evaluation_bodies`: the proposal and the result exactly as returned, compressed
  (store/codec.py), and what a results workbook shows beyond the listing.

Every evaluation belongs to an application (`applications`: the funder's reference, one
assigned where the proposal has none, its owner and its round) as one of its versions
(store/applications.py): `version`, the evaluation it `replaces`, the proposal's `digest`
(a version is a new one only when the proposal changed), who made it (`changed_by`),
whether it is the application's `current` evaluation, and the layout it was stored under
(`schema_version`). Rounds are in `rounds` (store/rounds.py).

Layout 2 had no applications, versions or rounds. Opening such a database takes a backup
beside it first (`<file>.layout2-<time>.bak`, as `ccrules backup` makes), then upgrades it in
place in one transaction: each stored evaluation becomes a version of its reference's
application, in date order (the same owner and reference: the same application; a changed
proposal: the next version; no reference: an application of its own, with a reference
assigned); the workbook's asks gain the findings; nothing is deleted.

Layout 1 (user_version 0) held the proposal and the result as JSON text in `evaluations`.
Opening such a database upgrades it in place, in one transaction (other processes wait):
the listing's columns are read from each row's JSON as the listing used to read them, the
bodies are compressed against their own ruleset's codebook (or plainly, when its snapshot no
longer loads), the text columns are dropped, and the file is vacuumed to give the space
back. A row's result reads back byte for byte as before.

Version 3 (user_version 3) adds named users with roles (store/users.py): `users`, the
owner and role of each API token (a service account), the user of each page session, and
`rule_reloads` (who reloaded which rules). Upgrading a version-2 database keeps every
token working with what it could do: an admin token gets the administrator's role, any
other the officer's, and each becomes a service account owned by the first administrator
once one is added (`ccrules user add ... --role admin`). Evaluations keep their owner (the
token's id), so whoever could read one before still can."""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlite_utils

from ..errors import CcrulesError
from ..rulebook.loader import rulebook_from_documents
from . import applications, codec

LAYOUT = 3
USERS = 4  # the version that added users and roles
LISTING = {"applicant": str, "best": str, "worst": str, "completeness": float,
           "blockers": int, "majors": int, "open_questions": int}
# what the listing used to read from each row's JSON (layout 1), to fill LISTING
FROM_JSON = {
    "applicant": "json_extract(proposal, '$.applicant')",
    "best": "json_extract(result, '$.verdict_range.best')",
    "worst": "json_extract(result, '$.verdict_range.worst')",
    "completeness": "json_extract(result, '$.completeness')",
    "blockers": "(select count(*) from json_each(result, '$.findings') "
                "where json_extract(value, '$.severity') = 'blocker')",
    "majors": "(select count(*) from json_each(result, '$.findings') "
              "where json_extract(value, '$.severity') = 'major')",
    "open_questions": "json_array_length(result, '$.missing')"}
# keyset pages (sort value, id): one index per sortable column
INDEXES = [["created_at", "id"], ["owner", "created_at", "id"], ["verdict", "id"],
           ["application_id", "current"]]
# an evaluation's place among its application's versions (layout 3)
VERSIONING = {"application_id": str, "version": int, "replaces": str, "digest": str,
              "changed_by": str, "current": int, "schema_version": int}
TEXT_SORTS = ("title", "reference", "applicant")


def create(db: sqlite_utils.Database, backup: Callable[[int], None] | None = None) -> None:
    """Make every table that is missing, and upgrade a database of an earlier layout (with
    `backup(layout)` called first, when there is anything to upgrade). A database whose
    schema is already exactly what this makes from nothing is left as it is, at the cost of
    one query (most opens: every server worker and command line that opens the store)."""
    if _schema(db) == _fresh_schema():
        return
    _make(db, backup)


def _schema(db: sqlite_utils.Database) -> tuple:
    """The layout number and every table, index and trigger with its SQL."""
    return (db.execute("pragma user_version").fetchone()[0],
            tuple(db.execute("select type, name, tbl_name, sql from sqlite_master "
                             "order by type, name").fetchall()))


@functools.cache
def _fresh_schema() -> tuple:
    """The schema `_make` gives an empty database (made once per process, in memory)."""
    db = sqlite_utils.Database(memory=True)
    try:
        _make(db, None)
        return _schema(db)
    finally:
        db.conn.close()


def _make(db: sqlite_utils.Database, backup: Callable[[int], None] | None) -> None:
    found = db.execute("pragma user_version").fetchone()[0]
    evaluations = db.table("evaluations")
    if backup is not None and evaluations.exists() and found < LAYOUT and evaluations.count:
        backup(found)
    db.table("rulesets").create({"version": str, "documents": str, "created_at": str},
                                pk="version", if_not_exists=True)
    db.table("codebooks").create({"digest": str, "strings": str}, pk="digest",
                                 not_null={"strings"}, if_not_exists=True)
    if evaluations.exists() and "result" in evaluations.columns_dict:
        upgrade(db)
    _applications(db)
    if evaluations.exists() and "application_id" not in evaluations.columns_dict:
        upgrade_versions(db)
    evaluations.create(
        {"id": str, "created_at": str, "verdict": str, "title": str, "reference": str,
         "ruleset_version": str, "owner": str, **LISTING, **VERSIONING},
        pk="id", not_null={"created_at", "verdict", "ruleset_version"},
        foreign_keys=[("ruleset_version", "rulesets", "version")], if_not_exists=True)
    db.table("evaluation_bodies").create(
        {"id": str, "asks": bytes, "proposal": bytes, "result": bytes}, pk="id",
        not_null={"proposal", "result"}, foreign_keys=[("id", "evaluations", "id")],
        if_not_exists=True)
    _indexes(db)
    if db.execute("pragma user_version").fetchone()[0] < LAYOUT:
        db.execute(f"pragma user_version = {LAYOUT}")
    _others(db)


def _applications(db: sqlite_utils.Database) -> None:
    db.table("rounds").create(
        {"id": str, "name": str, "opens": str, "closes": str, "owner": str,
         "created_at": str, "closed_at": str}, pk="id",
        not_null={"name", "opens", "closes", "created_at"}, if_not_exists=True)
    db.table("applications").create(
        {"id": str, "owner": str, "reference": str, "assigned": int, "round_id": str,
         "created_at": str}, pk="id", not_null={"reference", "created_at"},
        foreign_keys=[("round_id", "rounds", "id")], if_not_exists=True)
    db.execute("create index if not exists idx_applications_owner_reference "
               "on applications (owner, reference)")
    db.execute("create index if not exists idx_applications_round on applications "
               "(round_id)")


def _indexes(db: sqlite_utils.Database) -> None:
    present = db.table("evaluations").columns_dict
    for columns in INDEXES:
        if not set(columns) <= set(present):
            continue  # a column a later layout adds (the upgrade makes the index then)
        db.execute(f"create index if not exists idx_evaluations_{'_'.join(columns)} "
                   f"on evaluations ({', '.join(columns)})")
    for column in TEXT_SORTS:
        db.execute(f"create index if not exists idx_evaluations_{column}_id "
                   f"on evaluations (coalesce({column}, ''), id)")


def _others(db: sqlite_utils.Database) -> None:
    tokens = db.table("tokens")
    tokens.create(
        {"id": str, "name": str, "secret_hash": str, "admin": int, "created_at": str,
         "revoked_at": str, "role": str, "user_id": str, "service": int}, pk="id",
        if_not_exists=True)
    if "revoked_at" not in tokens.columns_dict:  # a database made before revocation
        tokens.add_column("revoked_at", str)
    db.table("users").create(
        {"id": str, "name": str, "email": str, "role": str, "password_hash": str,
         "oidc_issuer": str, "oidc_subject": str, "created_at": str, "disabled_at": str},
        pk="id", not_null={"name", "email", "role", "created_at"}, if_not_exists=True)
    db.execute("create unique index if not exists idx_users_email on users (lower(email))")
    db.execute("create unique index if not exists idx_users_oidc on users "
               "(oidc_issuer, oidc_subject) where oidc_subject is not null")
    db.table("round_members").create(  # who sits on a round (store/rounds.py)
        {"round_id": str, "user_id": str, "added_at": str}, pk=("round_id", "user_id"),
        if_not_exists=True)
    db.table("rule_reloads").create(
        {"version": str, "previous": str, "by_id": str, "by_name": str, "at": str},
        if_not_exists=True)
    db.table("reload_requests").create(
        {"version": str, "requested_at": str, "pid": int}, if_not_exists=True)
    db.table("sessions").create(
        {"id": str, "token_id": str, "user_id": str, "created_at": str, "expires_at": str},
        pk="id", foreign_keys=[("token_id", "tokens", "id")], if_not_exists=True)
    if db.execute("pragma user_version").fetchone()[0] < USERS:
        with db.conn:
            _add_users(db)
    # panel decisions (store/decisions.py): append-only, the latest one is current
    db.table("decisions").create(
        {"id": str, "evaluation_id": str, "decision": str, "findings": str,
         "conditions": str, "note": str, "decided_by": str, "decided_by_name": str,
         "decided_at": str, "reason": str}, pk="id",
        not_null={"evaluation_id", "decision", "findings", "conditions",
                  "decided_by_name", "decided_at"},
        foreign_keys=[("evaluation_id", "evaluations", "id")], if_not_exists=True)
    if "reason" not in db.table("decisions").columns_dict:  # made before layout 3
        db.table("decisions").add_column("reason", str)
    db.table("decisions").create_index(["evaluation_id"], if_not_exists=True)
    for action in ("update", "delete"):
        db.execute(f"create trigger if not exists decisions_no_{action} before "
                   f"{action} on decisions begin select raise(abort, 'decisions "
                   f"are append-only: record a new one instead'); end")


def _add_users(db: sqlite_utils.Database) -> None:
    """Version 2 to 3 (see the module's docstring), in the caller's transaction."""
    tokens = db.table("tokens")
    for column, kind in (("role", str), ("user_id", str), ("service", int)):
        if column not in tokens.columns_dict:
            tokens.add_column(column, kind)
    db.execute("update tokens set role = case when admin then 'admin' else 'officer' end "
               "where role is null")
    db.execute("update tokens set service = 0 where service is null")
    if "user_id" not in db.table("sessions").columns_dict:
        db.table("sessions").add_column("user_id", str)
    first = db.execute("select id from users where role = 'admin' order by created_at "
                       "limit 1").fetchone()
    if first:
        db.execute("update tokens set user_id = ? where user_id is null and service = 0",
                   [first[0]])
    db.execute(f"pragma user_version = {USERS}")


class _Packer:
    """Compresses layout-1 rows for the upgrade: each result against the codebook of the
    ruleset it was made under (loaded once per version from its snapshot)."""

    def __init__(self, db: sqlite_utils.Database):
        self.db = db
        self.books: dict[str, codec.Codebook | None] = {}

    def book(self, version: str) -> codec.Codebook | None:
        if version not in self.books:
            import json
            row = self.db.execute("select documents from rulesets where version = ?",
                                  [version]).fetchone()
            try:
                rulebook = rulebook_from_documents(json.loads(row[0]), version)
                self.books[version] = book = codec.codebook_for(rulebook)
                save_codebook(self.db, book)
            except (CcrulesError, TypeError, ValueError):  # a snapshot today's code refuses
                self.books[version] = None
        return self.books[version]

    def result(self, text: str, version: str) -> bytes:
        book = self.book(version)
        return codec.pack_result(text, book) if book else codec.pack(text)

    @staticmethod
    def asks(text: str) -> bytes | None:
        try:
            return codec.pack_asks(*codec.asks_of_result(text))
        except (ValueError, KeyError, TypeError, AttributeError):
            return None


def save_codebook(db: sqlite_utils.Database, book: codec.Codebook) -> None:
    db.execute("insert or ignore into codebooks (digest, strings) values (?, ?)",
               [book.digest.hex(), book.json])


@contextmanager
def _step(db: sqlite_utils.Database, layout: int) -> Iterator[Callable[[], None]]:
    """One upgrade step in one transaction (BEGIN IMMEDIATE: one upgrader; the others wait,
    then find it done): on success the indexes are made, the layout recorded and the step
    committed; on any failure nothing of it stays. The step calls `done()` to leave with
    nothing to do."""
    conn = db.conn
    conn.execute("begin immediate")
    left = []
    try:
        yield lambda: left.append(True)
        if left:
            conn.rollback()
            return
        _indexes(db)
        conn.execute(f"pragma user_version = {layout}")
        conn.commit()
    except BaseException:
        conn.rollback()
        raise


def upgrade(db: sqlite_utils.Database) -> None:
    """Layout 1 to 2, in one transaction, then VACUUM (see the module's docstring)."""
    conn = db.conn
    with _step(db, 2) as done:  # one upgrader; the others wait, then find it done
        if "result" not in db.table("evaluations").columns_dict:
            done()
            return
        packer = _Packer(db)
        conn.create_function("ccrules_pack", 1, codec.pack, deterministic=True)
        conn.create_function("ccrules_pack_result", 2, packer.result, deterministic=True)
        conn.create_function("ccrules_asks", 1, packer.asks, deterministic=True)
        columns = db.table("evaluations").columns_dict
        for name, kind in LISTING.items():
            if name not in columns:
                db.table("evaluations").add_column(name, kind)
        conn.execute("update evaluations set " + ", ".join(
            f"{name} = case when json_valid(proposal) and json_valid(result) then {sql} end"
            for name, sql in FROM_JSON.items()))
        db.table("evaluation_bodies").create(
            {"id": str, "asks": bytes, "proposal": bytes, "result": bytes}, pk="id",
            not_null={"proposal", "result"}, foreign_keys=[("id", "evaluations", "id")],
            if_not_exists=True)
        conn.execute("insert into evaluation_bodies (id, asks, proposal, result) select id, "
                     "ccrules_asks(result), ccrules_pack(proposal), "
                     "ccrules_pack_result(result, ruleset_version) from evaluations "
                     "order by rowid")
        db.table("evaluations").transform(drop={"proposal", "result"})
    try:
        conn.execute("vacuum")  # give back the space the text columns held
    except sqlite3.OperationalError:
        pass  # another connection is reading: the space is reused by later rows instead


def listing_values(evaluation: Any, proposal: dict[str, Any]) -> list[Any]:
    """LISTING's values for an evaluation just made (as FROM_JSON reads them)."""
    return [proposal.get("applicant"), evaluation.verdict_range.best.value,
            evaluation.verdict_range.worst.value, evaluation.completeness,
            evaluation.count("blocker"), evaluation.count("major"), len(evaluation.missing)]


def upgrade_versions(db: sqlite_utils.Database) -> None:
    """Layout 2 to 3, in one transaction (see store/schema.py): every stored evaluation
    becomes a version of its reference's application, in date order."""
    with _step(db, 3) as done:
        table = db.table("evaluations")
        if "application_id" in table.columns_dict:
            done()
            return
        for name, kind in VERSIONING.items():
            table.add_column(name, kind)
        books = {bytes.fromhex(d): json.loads(s) for d, s in
                 db.execute("select digest, strings from codebooks").fetchall()}
        rows = db.execute("select e.id, e.owner, e.created_at, e.reference, b.proposal, "
                          "b.result from evaluations e join evaluation_bodies b on b.id = e.id "
                          "order by e.created_at, e.rowid").fetchall()
        for ident, owner, created_at, _, packed, result in rows:
            try:
                proposal = json.loads(codec.unpack(packed))
            except (ValueError, TypeError):
                proposal = {}
            where = applications.place(db, owner, proposal)
            applications.link(db, where, created_at)
            db.execute("update evaluations set application_id = ?, version = ?, replaces = ?, "
                       "digest = ?, current = 1, schema_version = 2, reference = ? "
                       "where id = ?", [where.application_id, where.version, where.replaces,
                                        where.digest, where.reference, ident])
            try:
                asks = codec.pack_asks(*codec.asks_of_result(codec.unpack(result, books)))
            except (ValueError, KeyError, TypeError, AttributeError):
                continue
            db.execute("update evaluation_bodies set asks = ? where id = ?", [asks, ident])
