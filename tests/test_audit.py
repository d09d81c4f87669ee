"""Decisions are reproducible: a stored evaluation is returned unchanged after the rules
change, and re-evaluating under its original ruleset gives the same verdict."""

import json

from ccrules.cli import main
from ccrules.rulebook import load_rulebook
from ccrules.store import Store
from ccrules.store.reproduce import reevaluate
from ccrules.web import create_app

from helpers import example, make_token


def test_stored_result_survives_a_rule_change(tmp_path, rules_copy, runner):
    db = str(tmp_path / "audit.db")
    app = create_app({"DATABASE": db, "RULES": str(rules_copy)})
    auth = {"Authorization": f"Bearer {make_token(app)}"}
    created = app.test_client().post("/api/v1/evaluations",
                                     json={"proposal": example("sepsis-bundle-emergency-"
                                                               "departments")},
                                     headers=auth).get_json()
    assert created["verdict"] == "conditional"

    # The rules change: sign-off without requirements becomes a blocker.
    path = rules_copy / "implementation.yaml"
    text = path.read_text()
    path.write_text(text.replace("    dimension: implementation\n    severity: major\n"
                                 "    lessons: [L23, L24]",
                                 "    dimension: implementation\n    severity: blocker\n"
                                 "    lessons: [L23, L24]", 1))
    new_rules = load_rulebook(rules_copy)
    assert new_rules.version != created["ruleset"]["version"]

    restarted = create_app({"DATABASE": db, "RULES": str(rules_copy)})  # serves new rules
    client = restarted.test_client()
    fresh = client.post("/api/v1/evaluations", json={"proposal": example(
        "sepsis-bundle-emergency-departments")}, headers=auth).get_json()
    assert fresh["verdict"] == "not_recommended"
    assert client.get(f"/api/v1/evaluations/{created['id']}", headers=auth).get_json() == \
        created  # exactly what was returned, months later

    store = Store(db)
    try:
        again = reevaluate(store, created["id"])  # under the original ruleset's snapshot
        assert again.same_verdict and again.same_findings
        assert again.again.ruleset.version == created["ruleset"]["version"]
        under_new = reevaluate(store, created["id"], new_rules)
        assert not under_new.same_verdict
    finally:
        store.close()

    result = runner.invoke(main, ["reevaluate", created["id"], "--db", db, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["same_verdict"] is True
    result = runner.invoke(main, ["reevaluate", created["id"], "--db", db, "--current-rules",
                                  "--rules", str(rules_copy)])
    assert result.exit_code == 1 and "CHANGED verdict" in result.output


def test_store_is_in_wal_mode_with_snapshots(tmp_path, rulebook):
    store = Store(tmp_path / "wal.db")
    try:
        assert store.db.journal_mode == "wal"
        store.save_ruleset(rulebook)
        rebuilt = store.ruleset(rulebook.version)
        assert rebuilt.version == rulebook.version
        assert [r.id for r in rebuilt.rules] == [r.id for r in rulebook.rules]
    finally:
        store.close()


def test_tokens_are_stored_hashed(tmp_path):
    from ccrules.store.tokens import authenticate, create_token
    store = Store(tmp_path / "t.db")
    try:
        token = create_token(store, "someone")
        raw = (tmp_path / "t.db").read_bytes() + (tmp_path / "t.db-wal").read_bytes()
        secret = token.split("_", 2)[2]  # ccr_<id>_<secret>; the secret may hold "_"
        assert secret.encode() not in raw
        assert authenticate(store, f"Bearer {token}").name == "someone"
    finally:
        store.close()
