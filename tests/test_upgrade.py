"""A store made by the release before applications and versions (main at fd0db0d, layout 2)
is upgraded in place on first opening: a backup is taken first, as `ccrules backup` makes
it; every evaluation is kept (the same ids, the same bytes), each a version of its
reference's application in date order; decisions are kept; a second opening does nothing.

The old store is made by that release's own code, checked out of git into tmp_path and run
in a subprocess, so what is upgraded is what it really wrote."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
import tarfile

import pytest

from ccrules.cli import main
from ccrules.store.database import Store

from helpers import ROOT

RELEASE = "fd0db0d"  # main before applications, versions and rounds (layout 2)

# Run by the old release: evaluations stored the way it stored them (its service layer),
# with the same reference twice (unchanged, then changed), and one with no reference;
# a decision on one. Prints every stored id with its result text.
MAKE_OLD_STORE = r"""
import json, sys
from pathlib import Path
from ccrules.rulebook.loader import load_rulebook
from ccrules.proposal.reading import parse_proposal
from ccrules.service import evaluate_and_store
from ccrules.store.database import Store
from ccrules.store.decisions import Decider, add_decision
from ccrules.judging.panel import DecisionInput

rules, db, examples = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
rulebook = load_rulebook(rules)
store = Store(db)
ilcop = json.loads((examples / "ilcop.json").read_text())
keystone = json.loads((examples / "michigan-keystone.json").read_text())
changed = {**ilcop, "summary": "Revised after the panel."}
anonymous = {k: v for k, v in keystone.items() if k != "reference"}
ids = []
for owner, data in [("t1", ilcop), ("t1", keystone), ("t1", ilcop), ("t1", changed),
                    ("t2", ilcop), (None, anonymous)]:
    evaluation, text = evaluate_and_store(store, rulebook, parse_proposal(data), owner)
    ids.append((evaluation.id, text))
add_decision(store, ids[1][0], DecisionInput.checked({"decision": "funded",
                                                      "accept_all": True}),
             Decider(None, "chair", None))
print(json.dumps({"stored": ids,
                  "layout": store.db.execute("pragma user_version").fetchone()[0]}))
store.close()
"""


def _old_release(tmp_path):
    """The release's package, rules and examples, from git, in tmp_path/old."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", RELEASE, "ccrules", "rules",
                              "examples"], capture_output=True, check=True).stdout
    old = tmp_path / "old"
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(old, filter="data")
    return old


@pytest.fixture
def old_store(tmp_path):
    old = _old_release(tmp_path)
    db = tmp_path / "var" / "ccrules.db"
    made = subprocess.run([sys.executable, "-c", MAKE_OLD_STORE, str(old / "rules"), str(db),
                           str(old / "examples")], capture_output=True, text=True,
                          cwd=tmp_path, env={"PYTHONPATH": str(old), "PATH": "/usr/bin:/bin"})
    assert made.returncode == 0, made.stderr[-2000:]
    out = json.loads(made.stdout)
    assert out["layout"] == 2  # what the release writes
    return db, dict(out["stored"])


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
        for ident, text in stored.items():
            assert store.get_json(ident) == text  # byte for byte
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
