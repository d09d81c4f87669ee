"""A store made by the release before applications and versions (main at fd0db0d, layout 2)
is upgraded in place on first opening: a backup is taken first, as `ccrules backup` makes
it; every evaluation is kept (the same ids, the same bytes), each a version of its
reference's application in date order; decisions are kept; a second opening does nothing.

The old store was made by that release's own code, taken from git and run in a subprocess,
so what is upgraded is what it really wrote; the store is kept as a snapshot
(tests/fixtures/store-layout2, made by its make.py) so the test needs no git history."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3

import pytest

from ccrules.cli import main
from ccrules.store.database import Store

from helpers import ROOT

OLD = ROOT / "tests" / "fixtures" / "store-layout2"  # made by that release: see make.py


@pytest.fixture
def old_store(tmp_path):
    """A copy of the store the release wrote (layout 2), and its ids with each result's
    SHA-256."""
    db = tmp_path / "var" / "ccrules.db"
    db.parent.mkdir()
    shutil.copyfile(OLD / "ccrules.db", db)
    out = json.loads((OLD / "stored.json").read_text())
    with sqlite3.connect(db) as conn:
        assert conn.execute("pragma user_version").fetchone()[0] == out["layout"] == 2
    conn.close()
    return db, dict(out["stored"])


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _ids(path) -> set[str]:
    with sqlite3.connect(path) as conn:
        rows = {r[0] for r in conn.execute("select id from evaluations")}
    conn.close()
    return rows


def test_a_store_of_the_current_release_is_upgraded_in_place_with_a_backup(old_store):
    db, stored = old_store
    before = _ids(db)
    assert before == set(stored) and len(before) == 6
    with sqlite3.connect(db) as conn:
        decisions = conn.execute("select id, evaluation_id from decisions").fetchall()
    conn.close()

    store = Store(db)  # the first opening upgrades it
    try:
        backups = sorted(db.parent.glob("ccrules.db.layout2-*.bak"))
        assert len(backups) == 1  # taken first, beside it: the old layout, every row
        with sqlite3.connect(backups[0]) as conn:
            assert conn.execute("pragma user_version").fetchone()[0] == 2
            assert "application_id" not in {r[1] for r in conn.execute(
                "pragma table_info(evaluations)")}
        conn.close()
        assert _ids(backups[0]) == before
        assert store.db.execute("pragma user_version").fetchone()[0] == 3
        assert _ids(db) == before and store.count() == len(before)  # no evaluation lost
        for ident, digest in stored.items():
            assert _sha(store.get_json(ident)) == digest  # byte for byte
        assert store.db.execute("select id, evaluation_id from decisions").fetchall() == \
            decisions
        rows = {r[0]: r[1:] for r in store.db.execute(
            "select id, application_id, version, replaces, current, schema_version "
            "from evaluations")}
        ids = list(stored)  # in the order the release stored them
        ilcop_t1 = [rows[i] for i in (ids[0], ids[2], ids[3])]
        # one application: version 1, evaluated again unchanged, then version 2 (changed)
        assert len({r[0] for r in ilcop_t1}) == 1
        assert [r[1] for r in ilcop_t1] == [1, 1, 2]
        assert [r[2] for r in ilcop_t1] == [None, ids[0], ids[2]]
        assert [r[3] for r in ilcop_t1] == [0, 0, 1]
        assert rows[ids[4]][0] != ilcop_t1[0][0]  # another owner: another application
        assert all(r[4] == 2 for r in rows.values())  # stored under layout 2
        (assigned,) = store.db.execute("select a.reference from applications a join "
                                       "evaluations e on e.application_id = a.id where "
                                       "e.id = ?", [ids[5]]).fetchone()
        assert assigned.startswith("CC-")
        assert store.list(limit=50).total == 4  # the current version of each application
        assert store.list(limit=50, versions="all").total == 6
    finally:
        store.close()
    again = Store(db)  # a second opening finds nothing to do, and takes no second backup
    try:
        assert again.count() == 6
    finally:
        again.close()
    assert len(list(db.parent.glob("ccrules.db.layout2-*.bak"))) == 1


def test_ccrules_backup_of_an_old_store_is_taken_before_it_is_upgraded(old_store, runner,
                                                                       tmp_path):
    db, stored = old_store
    dest = tmp_path / "copy.db"
    r = runner.invoke(main, ["backup", str(dest), "--db", str(db)])
    assert r.exit_code == 0, r.output
    assert "6 evaluations, integrity ok" in r.output
    # `ccrules backup` opens without creating or upgrading: the copy is the old layout
    with sqlite3.connect(dest) as conn:
        assert conn.execute("pragma user_version").fetchone()[0] == 2
    conn.close()
    assert _ids(dest) == set(stored)
