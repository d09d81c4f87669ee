"""Panel decisions: recorded and read through the API and the command line under the
evaluation's access rule, append-only with their history, and refused whole (422, nothing
stored) when an item set aside is not in the evaluation or has no reason."""

import json
import sqlite3

import pytest

from ccrules.cli import main
from ccrules.store import Store

from helpers import EXAMPLES, example, make_token

SEPSIS = "sepsis-bundle-emergency-departments"  # conditional; CO-07 is a finding and condition
CO07 = {"rule_id": "CO-07", "reason": "The host trust already funds the leads' time."}


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def evaluate(client, headers, name=SEPSIS):
    r = client.post("/api/v1/evaluations", json={"proposal": example(name)}, headers=headers)
    assert r.status_code == 201
    return r.get_json()["id"]


def decide(client, headers, evaluation_id, **body):
    body.setdefault("decided_by", "A. Officer")
    return client.post(f"/api/v1/evaluations/{evaluation_id}/decisions", json=body,
                       headers=headers)


def history(client, headers, evaluation_id):
    return client.get(f"/api/v1/evaluations/{evaluation_id}/decisions", headers=headers)


def assert_error(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"} and body["error"]["status"] == status
    return body["error"]


def test_a_decision_round_trips_through_the_api(client, auth):
    ev = evaluate(client, auth)
    r = decide(client, auth, ev, decision="funded_with_conditions", set_aside=[CO07],
               note="Agreed at the March panel.")
    assert r.status_code == 201
    body = r.get_json()
    assert r.headers["Location"] == f"/api/v1/evaluations/{ev}/decisions"
    assert (body["decision"], body["verdict"], body["agreement"], body["current"]) == (
        "funded_with_conditions", "conditional", "agree", True)
    assert body["decided_by"]["name"] == "A. Officer" and body["decided_by"]["id"]
    findings = {f["rule_id"]: f for f in body["findings"]}
    conditions = {c["rule_id"]: c for c in body["conditions"]}
    # CO-07 alone is set aside, as finding and as condition; everything else is accepted
    assert findings["CO-07"] == {"rule_id": "CO-07", "title": findings["CO-07"]["title"],
                                 "severity": "major", "accepted": False,
                                 "reason": CO07["reason"]}
    assert conditions["CO-07"]["accepted"] is False
    assert [r for r, f in findings.items() if not f["accepted"]] == ["CO-07"]
    assert set(conditions) == {"CO-07", "IM-05", "IM-06", "IM-08"}
    assert all(c["accepted"] and c["reason"] is None
               for r, c in conditions.items() if r != "CO-07")
    listed = history(client, auth, ev).get_json()
    assert listed["verdict"] == "conditional" and listed["decisions"] == [body]


def test_only_the_finding_or_only_the_condition_can_be_set_aside(client, auth):
    ev = evaluate(client, auth)
    body = decide(client, auth, ev, decision="funded", set_aside=[
        {**CO07, "applies_to": "condition"},
        {"rule_id": "im-11", "reason": "Audit is in the contract.", "applies_to": "finding"},
    ]).get_json()
    findings = {f["rule_id"]: f["accepted"] for f in body["findings"]}
    conditions = {c["rule_id"]: c["accepted"] for c in body["conditions"]}
    assert findings["CO-07"] is True and conditions["CO-07"] is False
    assert findings["IM-11"] is False  # rule ids are read in any case
    assert body["agreement"] == "partly"  # conditional against funded: both fund


def test_another_token_can_neither_read_nor_add_decisions_and_admin_can(app, client, auth):
    ev = evaluate(client, auth)
    first = decide(client, auth, ev, decision="funded_with_conditions", accept_all=True)
    assert first.status_code == 201
    other = bearer(make_token(app, "other"))
    hidden = assert_error(history(client, other, ev), 404)
    absent = assert_error(history(client, auth, "0" * 32), 404)
    assert hidden["title"] == absent["title"]  # another's evaluation looks absent
    assert_error(decide(client, other, ev, decision="declined", accept_all=True), 404)
    # the other token's attempt stored nothing, and its own listing knows nothing of it
    assert len(history(client, auth, ev).get_json()["decisions"]) == 1
    admin = bearer(make_token(app, "auditor", admin=True))
    seen = history(client, admin, ev)
    assert seen.status_code == 200
    assert seen.get_json()["decisions"] == [first.get_json()]
    added = decide(client, admin, ev, decision="deferred", accept_all=True,
                   decided_by="An Auditor")
    assert added.status_code == 201 and added.get_json()["decided_by"]["name"] == "An Auditor"
    assert [d["decision"] for d in history(client, auth, ev).get_json()["decisions"]] == [
        "deferred", "funded_with_conditions"]


def test_a_later_decision_supersedes_and_the_history_is_kept(app, client, auth):
    ev = evaluate(client, auth)
    first = decide(client, auth, ev, decision="deferred", accept_all=True).get_json()
    second = decide(client, auth, ev, decision="funded_with_conditions",
                    set_aside=[CO07]).get_json()
    listed = history(client, auth, ev).get_json()["decisions"]
    assert [d["id"] for d in listed] == [second["id"], first["id"]]  # newest first
    assert [d["current"] for d in listed] == [True, False]
    assert listed[1] == {**first, "current": False}  # the first is kept as it was
    # the store itself refuses to change or delete a decision
    store = Store(app.config["DATABASE"])
    try:
        for sql in ("update decisions set decision = 'declined'", "delete from decisions"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                store.db.execute(sql)
        (count,) = store.db.execute("select count(*) from decisions").fetchone()
    finally:
        store.close()
    assert count == 2


@pytest.mark.parametrize("body, loc", [
    ({"decision": "funded", "set_aside": [{"rule_id": "CO-99", "reason": "x"}]},
     ["set_aside", 0, "rule_id"]),
    ({"decision": "funded", "set_aside": [{"rule_id": "IM-11", "reason": "x",
                                           "applies_to": "condition"}]},
     ["set_aside", 0, "rule_id"]),  # IM-11 (minor) is a finding with no condition
    ({"decision": "funded", "set_aside": [{"rule_id": "CO-07", "reason": "  "}]},
     ["set_aside", 0, "reason"]),
    ({"decision": "funded", "set_aside": [{"rule_id": "CO-07"}]},
     ["set_aside", 0, "reason"]),
    ({"decision": "funded", "set_aside": [CO07, {**CO07, "applies_to": "finding"}]},
     ["set_aside", 1]),
    ({"decision": "funded", "set_aside": [CO07], "accept_all": True}, ["accept_all"]),
    ({"decision": "funded"}, ["set_aside"]),
    ({"decision": "approved", "accept_all": True}, ["decision"]),
    ({"decision": "funded", "accept_all": True, "by": "me"}, ["by"]),
    ({"decision": "funded", "accept_all": True, "decided_by": None}, ["decided_by"]),
    ({"decision": "funded", "accept_all": True, "decided_by": "   "}, ["decided_by"]),
    ({"decision": "declined", "accept_all": True}, ["reason"]),  # against "conditional"
])
def test_invalid_decisions_are_422_and_nothing_is_stored(client, auth, body, loc):
    ev = evaluate(client, auth)
    body = {"decided_by": "A. Officer", **body}
    error = assert_error(client.post(f"/api/v1/evaluations/{ev}/decisions", json=body,
                                     headers=auth), 422)
    assert error["title"] == "Invalid decision"
    assert loc in [e["loc"] for e in error["errors"]], error
    assert history(client, auth, ev).get_json()["decisions"] == []


def test_the_unknown_item_is_named_with_what_the_evaluation_has(client, auth):
    ev = evaluate(client, auth)
    error = assert_error(decide(client, auth, ev, decision="declined", set_aside=[
        {"rule_id": "PF-01", "reason": "x"}]), 422)
    msg = error["errors"][0]["msg"]
    assert "PF-01 is not a finding or a condition of award" in msg and "CO-07" in msg


def test_decisions_round_trip_through_the_command_line(app, client, runner):
    token = make_token(app, "officer")
    ev = evaluate(client, bearer(token))
    db = app.config["DATABASE"]
    decided = runner.invoke(main, [
        "decide", ev, "--decision", "funded_with_conditions",
        "--set-aside", "CO-07", CO07["reason"],
        "--set-aside", "finding:IM-11", "Audit is in the contract.",
        "--note", "Panel of 4 March", "--by", "P. Chair", "--token", token, "--db", db,
        "--format", "json"])
    assert decided.exit_code == 0, decided.output
    record = json.loads(decided.stdout)
    assert record["decided_by"]["name"] == "P. Chair" and record["note"] == "Panel of 4 March"
    assert record["decided_by"]["id"]  # the token's id: whose access recorded it
    # the API reads what the command line recorded, and the command line what the API did
    api = decide(client, bearer(token), ev, decision="declined", accept_all=True,
                 reason="The budget went to the ICU round.").get_json()
    listed = runner.invoke(main, ["decisions", ev, "--token", token, "--db", db,
                                  "--format", "json"])
    assert listed.exit_code == 0, listed.output
    assert json.loads(listed.stdout)["decisions"] == [api, {**record, "current": False}]
    text = runner.invoke(main, ["decisions", ev, "--token", token, "--db", db])
    assert "* current: declined" in text.output
    assert "set aside finding IM-11: Audit is in the contract." in text.output
    assert history(client, bearer(token), ev).get_json()["decisions"][1] == {
        **record, "current": False}


def test_the_command_line_keeps_the_access_rule(app, client, runner):
    owner = make_token(app, "owner")
    ev = evaluate(client, bearer(owner))
    db = app.config["DATABASE"]
    other = make_token(app, "other")
    for args in (["decisions", ev], ["decide", ev, "--decision", "funded", "--accept-all"]):
        r = runner.invoke(main, [*args, "--token", other, "--db", db])
        assert r.exit_code == 1 and r.output.startswith("Error: no evaluation")
    admin = make_token(app, "auditor", admin=True)
    assert runner.invoke(main, ["decisions", ev, "--token", admin, "--db", db]).exit_code == 0
    # without a token the command has the database's full access, and names who decided
    r = runner.invoke(main, ["decide", ev, "--decision", "deferred", "--accept-all",
                             "--by", "Chair of panel", "--db", db, "--format", "json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["decided_by"] == {
        "id": None, "name": "Chair of panel"}
    assert len(history(client, bearer(owner), ev).get_json()["decisions"]) == 1


def test_the_command_line_refuses_a_bad_set_aside_and_stores_nothing(runner, tmp_path):
    db = str(tmp_path / "round.db")
    assert runner.invoke(main, ["screen", str(EXAMPLES / f"{SEPSIS}.json"), "--store",
                                "--db", db]).exit_code == 0
    store = Store(db)
    try:
        (ev,) = store.db.execute("select id from evaluations").fetchone()
    finally:
        store.close()
    for args, said in ((["--set-aside", "CO-99", "a reason"], "set_aside.0.rule_id"),
                       (["--set-aside", "CO-07", ""], "a reason is required"),
                       (["--set-aside", "grant:CO-07", "x"], "finding:RULE"),
                       ([], "accept them all")):
        r = runner.invoke(main, ["decide", ev, "--decision", "funded", *args, "--db", db])
        assert r.exit_code == 1 and r.output.startswith("Error: ") and said in r.output, \
            r.output
    listed = runner.invoke(main, ["decisions", ev, "--db", db, "--format", "json"])
    assert json.loads(listed.stdout)["decisions"] == []
    missing = runner.invoke(main, ["decisions", ev, "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 1 and not (tmp_path / "none.db").exists()
