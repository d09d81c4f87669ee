"""Users and roles (issue 26): one access rule (ccrules.service) for the API and the pages,
who did what, `ccrules user ...`, the administrator's page, and the upgrade of a store made
before there were users."""

from __future__ import annotations

import json
import sqlite3

import pytest

from ccrules.cli import main
from ccrules.service import PERMISSIONS, allowed, authorised, read_scope
from ccrules.store import Store
from ccrules.store.access import Access
from ccrules.store.tokens import authenticate, create_token
from ccrules.store.users import Principal, Role

from helpers import PageClient, example, make_token, make_user


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def stored(client, token: str, name: str = "ilcop", round_id: str | None = None) -> str:
    body = {"proposal": example(name), **({"round": round_id} if round_id else {})}
    r = client.post("/api/v1/evaluations", json=body, headers=bearer(token))
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def new_round(client, token: str, name: str) -> str:
    r = client.post("/api/v1/rounds", headers=bearer(token), json={
        "name": name, "opens": "2026-01-01", "closes": "2026-12-31"})
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


def seat(app, round_id: str, user: tuple[str, str]) -> None:
    from ccrules.store.rounds import add_member
    from ccrules.store.users import find_user
    with Store(app.config["DATABASE"]) as store:
        add_member(store, round_id, find_user(store, user[0])["id"])


# --- the rule itself -------------------------------------------------------------------------

def test_the_access_rule():
    officer = Principal("u1", "Olive", Role.OFFICER, "user", ("u1", "t1"), rounds=("r1",))
    panel = Principal("u2", "Pat", Role.PANEL, "user", ("u2",), rounds=("r1", "r2"))
    admin = Principal("u3", "Ada", Role.ADMIN, "user", ("u3",))
    assert [allowed(officer, a) for a in ("screen", "edit", "decide", "reload", "users")] == \
        [True, True, True, False, False]
    assert [allowed(panel, a) for a in ("read", "decide", "screen", "edit", "reload")] == \
        [True, True, False, False, False]
    assert all(allowed(admin, a) for a in PERMISSIONS[Role.ADMIN])
    assert read_scope(officer) == Access(("u1", "t1"), ("r1",))  # own, tokens', rounds
    assert read_scope(panel) == Access((), ("r1", "r2"))  # only the rounds they sit on
    assert read_scope(admin) is None
    assert officer.scope == Access()  # reads nothing until the rule has seen it
    assert authorised(officer).scope == read_scope(officer)


# --- rounds: who sits on which -------------------------------------------------------------

def test_an_officer_of_one_round_cannot_read_another_rounds_applications(app, client):
    admin = make_token(app, "intake", admin=True)
    spring, autumn = new_round(client, admin, "Spring"), new_round(client, admin, "Autumn")
    in_spring = stored(client, admin, "ilcop", spring)
    in_autumn = stored(client, admin, "michigan-keystone", autumn)
    olive, omar = make_user(app, "Olive"), make_user(app, "Omar")
    seat(app, spring, olive)
    seat(app, autumn, omar)
    pages = PageClient(app.test_client())
    pages.sign_in(olive)
    assert pages.get(f"/evaluations/{in_spring}").status_code == 200  # her round's
    assert pages.get(f"/evaluations/{in_autumn}").status_code == 404  # not another's
    listing = pages.get("/evaluations").get_data(as_text=True)
    assert in_spring in listing and in_autumn not in listing
    rounds_page = pages.get("/rounds").get_data(as_text=True)
    assert "Spring" in rounds_page and "Autumn" not in rounds_page
    assert "<td class=\"wide\">intake</td>" in rounds_page  # who made it, by name
    assert pages.get(f"/evaluations?round={autumn}").get_data(as_text=True).count(
        in_autumn) == 0
    # her token reads as she does, in her rounds
    hers = make_token(app, "olive's script", owner=olive)
    assert client.get(f"/api/v1/evaluations/{in_spring}", headers=bearer(hers)
                      ).status_code == 200
    assert client.get(f"/api/v1/evaluations/{in_autumn}", headers=bearer(hers)
                      ).status_code == 404
    assert client.get(f"/api/v1/rounds/{autumn}", headers=bearer(hers)).status_code == 404
    other = PageClient(app.test_client())
    other.sign_in(omar)
    assert other.get(f"/evaluations/{in_autumn}").status_code == 200
    assert other.get(f"/evaluations/{in_spring}").status_code == 404


def test_the_round_commands_seat_people(app, client, runner):
    admin = make_token(app, "intake", admin=True)
    spring = new_round(client, admin, "Spring")
    make_user(app, "Pat Panel", role="panel")
    db = app.config["DATABASE"]
    with Store(db) as store:
        email = store.db.execute("select email from users").fetchone()[0]
    seated = runner.invoke(main, ["round", "seat", "Spring", email, "--db", db])
    assert seated.exit_code == 0 and "Pat Panel sits on the round 'Spring' (as panel)" in \
        seated.output
    listed = json.loads(runner.invoke(main, ["round", "members", spring, "--format", "json",
                                             "--db", db]).output)
    assert [m["name"] for m in listed] == ["Pat Panel"]
    off = runner.invoke(main, ["round", "seat", "Spring", email, "--remove", "--db", db])
    assert off.exit_code == 0 and json.loads(runner.invoke(
        main, ["round", "members", spring, "--format", "json", "--db", db]).output) == []
    bad = runner.invoke(main, ["round", "seat", "Spring", "nobody@x.example", "--db", db])
    assert bad.exit_code == 1 and "no user 'nobody@x.example'" in bad.output


# --- a panel member: reads and decides, never edits or reloads ----------------------------

def test_a_panel_member_cannot_edit_or_reload_in_the_api(app, client):
    admin = make_token(app, "intake", admin=True)
    spring = new_round(client, admin, "Spring")
    evaluation = stored(client, admin, "ilcop", spring)
    outside = stored(client, admin, "michigan-keystone")
    pat = make_user(app, "Pat Panel", role="panel")
    seat(app, spring, pat)
    panel = make_token(app, "panel's integration", owner=pat)  # the owner's role: panel
    for path, body in (("/api/v1/evaluations", {"proposal": example("ilcop")}),
                       ("/api/v1/screenings", {"proposals": [example("ilcop")]}),
                       ("/api/v1/rounds", {"name": "x", "opens": "2026-01-01",
                                           "closes": "2026-02-01"}),
                       ("/api/v1/admin/reload", None)):
        r = client.post(path, json=body, headers=bearer(panel))
        assert r.status_code == 403, path
        error = r.get_json()["error"]
        assert error["status"] == 403 and "signed in as a panel" in error["detail"]
    assert client.get(f"/api/v1/evaluations/{evaluation}", headers=bearer(panel)
                      ).status_code == 200  # the round it sits on
    assert client.get(f"/api/v1/evaluations/{outside}", headers=bearer(panel)
                      ).status_code == 404  # nothing else
    r = client.post(f"/api/v1/evaluations/{evaluation}/decisions", headers=bearer(panel),
                    json={"decision": "declined", "accept_all": True,
                          "decided_by": "P. Chair"})
    assert r.status_code == 201 and r.get_json()["decided_by"]["name"] == "P. Chair"


def test_a_panel_member_sees_no_edit_or_upload_and_is_refused_them(app, client):
    admin = make_token(app, "intake", admin=True)
    spring = new_round(client, admin, "Spring")
    evaluation = stored(client, admin, "ilcop", spring)
    pat = make_user(app, "Pat Panel", role="panel")
    seat(app, spring, pat)
    pages = PageClient(app.test_client())
    pages.sign_in(pat)
    assert pages.get("/").headers["Location"] == "/evaluations"  # no form: the round
    result = pages.get(f"/evaluations/{evaluation}").get_data(as_text=True)
    assert 'id="decision-form"' in result  # the panel records decisions
    assert "Recorded as Pat Panel" in result and 'name="decided_by"' not in result
    assert 'id="edit"' not in result and "New proposal" not in result
    assert 'id="round-form"' not in result and "Administration" not in result
    round_page = pages.get("/evaluations").get_data(as_text=True)
    assert 'id="batch-form"' not in round_page and evaluation in round_page
    assert 'id="round-create"' not in pages.get("/rounds").get_data(as_text=True)
    with Store(app.config["DATABASE"]) as store:
        app_id = store.db.execute("select application_id from evaluations where id = ?",
                                  [evaluation]).fetchone()[0]
    for refused in (pages.get(f"/?from={evaluation}"), pages.get("/guided"),
                    pages.get("/admin"),
                    pages.post("/evaluations/new", {"title": "x", "problem.scope": "bounded"}),
                    pages.post("/rounds", {"name": "x", "opens": "2026-01-01",
                                           "closes": "2026-02-01"}),
                    pages.post(f"/rounds/{spring}/close"),
                    pages.post("/admin/reload")):
        assert refused.status_code == 403
        assert "may not" in refused.get_data(as_text=True)
    assert pages.post(f"/applications/{app_id}/round", {"round": ""}).status_code == 403
    r = pages.post(f"/evaluations/{evaluation}/decision", {"decision": "deferred"})
    assert r.status_code == 303
    shown = pages.get(f"/evaluations/{evaluation}").get_data(as_text=True)
    assert "recorded by Pat Panel" in shown


def test_an_officer_sees_the_edit_and_upload(signed_in, app, client):
    r = signed_in.post("/evaluations/new", {"title": "A", "problem.evidence_base": "strong",
                                            "context.sites_enrolled": "3"})
    assert r.status_code == 303
    result = signed_in.get(r.headers["Location"]).get_data(as_text=True)
    assert 'id="edit"' in result and "New proposal" in result
    assert "Version 1 of 1, by officer." in result  # the version names who made it
    assert 'id="batch-form"' in signed_in.get("/evaluations").get_data(as_text=True)
    assert signed_in.get("/admin").status_code == 403


def test_an_officer_reads_their_own_and_their_tokens_evaluations_only(app, client):
    olive, omar = make_user(app, "Olive"), make_user(app, "Omar")
    olive_token = make_token(app, "olive's script", owner=olive)
    service = make_token(app, "intake service")
    mine, theirs = stored(client, olive_token), stored(client, service, "michigan-keystone")
    pages = PageClient(app.test_client())
    pages.sign_in(olive)
    assert pages.get(f"/evaluations/{mine}").status_code == 200
    assert pages.get(f"/evaluations/{theirs}").status_code == 404
    other = PageClient(app.test_client())
    other.sign_in(omar)
    assert other.get(f"/evaluations/{mine}").status_code == 404
    assert client.get(f"/api/v1/evaluations/{theirs}",
                      headers=bearer(olive_token)).status_code == 404  # a token: its own


# --- the administrator's page and the command line ----------------------------------------

def test_the_administrator_adds_people_changes_roles_disables_and_reloads(app):
    admin = PageClient(app.test_client())
    admin.sign_in(make_user(app, "Ada Admin", role="admin"))
    page = admin.get("/admin").get_data(as_text=True)
    assert "Ada Admin" in page and 'id="reload-rules"' in page
    r = admin.post("/admin/users", {"name": "Pat Panel", "email": "pat@funder.example",
                                    "role": "panel", "password": "a long enough one"})
    assert r.status_code == 303
    bad = admin.post("/admin/users", {"name": "", "email": "nope", "role": "panel"})
    assert bad.status_code == 422 and "not an e-mail address" in bad.get_data(as_text=True)
    again = admin.post("/admin/users", {"name": "Pat", "email": "PAT@funder.example"})
    assert again.status_code == 422 and "already a user" in again.get_data(as_text=True)
    pat = PageClient(app.test_client())
    assert pat.sign_in(("pat@funder.example", "a long enough one")).status_code == 302
    store = Store(app.config["DATABASE"])
    try:
        pat_id = store.db.execute("select id from users where name = 'Pat Panel'"
                                  ).fetchone()[0]
    finally:
        store.close()
    assert admin.post(f"/admin/users/{pat_id}/role", {"role": "officer"}).status_code == 303
    assert "Sign out (Pat Panel, officer)" in pat.get("/evaluations").get_data(as_text=True)
    assert admin.post(f"/admin/users/{pat_id}/disable").status_code == 303
    assert pat.get("/evaluations").status_code == 302  # signed out at once
    assert admin.post("/admin/reload").status_code == 303
    page = admin.get("/admin").get_data(as_text=True)
    assert "by Ada Admin" in page and "disabled" in page
    spring = new_round(app.test_client(), make_token(app, "intake", admin=True), "Spring")
    assert admin.post(f"/admin/rounds/{spring}/seat", {"user": pat_id}).status_code == 303
    page = admin.get("/admin").get_data(as_text=True)
    assert "Pat Panel (programme officer)" in page  # seated, with the role they now have
    assert admin.post(f"/admin/rounds/{spring}/unseat/{pat_id}").status_code == 303
    assert "Pat Panel (programme officer)" not in admin.get("/admin").get_data(as_text=True)
    assert admin.post(f"/admin/rounds/{spring}/seat", {"user": "nobody"}).status_code == 404


def test_the_user_commands(runner, tmp_path):
    db = str(tmp_path / "u.db")
    added = runner.invoke(main, ["user", "add", "Olive Officer", "olive@funder.example",
                                 "--password", "--db", db],
                          input="correct horse battery\ncorrect horse battery\n")
    assert added.exit_code == 0 and "added Olive Officer <olive@funder.example> as " \
        "programme officer" in added.output
    assert runner.invoke(main, ["user", "add", "Pat", "pat@funder.example", "--role",
                                "panel", "--db", db]).exit_code == 0
    role = runner.invoke(main, ["user", "role", "pat@funder.example", "admin", "--db", db])
    assert role.exit_code == 0 and "is now administrator" in role.output
    off = runner.invoke(main, ["user", "disable", "olive@funder.example", "--db", db])
    assert off.exit_code == 0
    listed = json.loads(runner.invoke(main, ["user", "list", "--format", "json",
                                             "--db", db]).output)
    assert [(u["name"], u["role"], u["password"], bool(u["disabled_at"])) for u in listed] \
        == [("Olive Officer", "officer", True, True), ("Pat", "admin", False, False)]
    table = runner.invoke(main, ["user", "list", "--db", db]).output
    assert "Olive Officer" in table and "password" in table
    for args, message in (
            (["user", "add", "X", "not-an-email"], "not an e-mail address"),
            (["user", "add", "Y", "olive@FUNDER.example"], "already a user"),
            (["user", "disable", "nobody@funder.example"], "no user 'nobody@funder.example'"),
            (["user", "role", "pat@funder.example", "boss"], "'boss' is not one of")):
        bad = runner.invoke(main, [*args, "--db", db])
        assert bad.exit_code != 0 and message in bad.output, bad.output
        assert "Traceback" not in bad.output
    short = runner.invoke(main, ["user", "add", "Z", "z@funder.example", "--password",
                                 "--db", db], input="short\nshort\n")
    assert short.exit_code == 1 and "at least 12 characters" in short.output


def test_a_token_has_a_role_and_an_owner(runner, tmp_path):
    db = str(tmp_path / "t.db")
    runner.invoke(main, ["user", "add", "Olive", "olive@funder.example", "--db", db])
    made = runner.invoke(main, ["token", "create", "olive's script", "--owner",
                                "olive@funder.example", "--db", db])
    panel = runner.invoke(main, ["token", "create", "panel feed", "--role", "panel",
                                 "--service", "--db", db])
    assert made.exit_code == 0 and panel.exit_code == 0
    listed = {t["name"]: (t["role"], t["owner"]) for t in json.loads(runner.invoke(
        main, ["token", "list", "--format", "json", "--db", db]).output)}
    assert listed == {"olive's script": ("officer", "Olive"), "panel feed": ("panel", "service")}
    bad = runner.invoke(main, ["token", "create", "x", "--owner", "nobody@x.example",
                               "--db", db])
    assert bad.exit_code == 1 and "no user 'nobody@x.example'" in bad.output


# --- a store made before users: upgraded in place ------------------------------------------

def before_users(path, rulebook) -> dict:
    """A database as the layout before users (3) left it: tokens with only an admin flag, each
    evaluation owned by a token id, a decision and a page session."""
    from ccrules.panel.decisions import DecisionInput
    from ccrules.screening.evaluate import evaluate
    from ccrules.store.decisions import Decider, add_decision

    store = Store(path)
    made = {"officer": create_token(store, "officer"), "other": create_token(store, "other"),
            "admin": create_token(store, "admin", admin=True)}
    ids = {name: store.db.execute("select id from tokens where name = ?", [name]
                                  ).fetchone()[0] for name in made}
    for name in ("officer", "other"):
        ev = evaluate(example("ilcop"), rulebook)
        store.save(ev, example("ilcop"), rulebook, owner=ids[name])
        made[f"{name}_evaluation"] = ev.id
    add_decision(store, made["officer_evaluation"], DecisionInput.checked(
        {"decision": "declined", "accept_all": True, "decided_by": "P. Chair"}),
        Decider(ids["officer"], "officer", ids["officer"]))
    store.close()
    conn = sqlite3.connect(path)  # back to version 2's tables
    with conn:
        conn.execute("drop table users")
        conn.execute("drop table rule_reloads")
        conn.execute("drop table round_members")
        for column in ("role", "user_id", "service"):
            conn.execute(f"alter table tokens drop column {column}")
        conn.execute("alter table sessions drop column user_id")
        conn.execute("pragma user_version = 3")
    conn.close()
    return made


def test_an_old_store_upgrades_with_every_evaluation_readable_by_its_owner(
        tmp_path, rulebook, runner):
    from ccrules.web import create_app
    path = tmp_path / "old.db"
    made = before_users(path, rulebook)
    app = create_app({"TESTING": True, "DATABASE": str(path), "RULEBOOK": rulebook})
    client = app.test_client()
    store = Store(path, create=False)
    try:
        assert store.db.execute("pragma user_version").fetchone()[0] == 4
        roles = dict(store.db.execute("select name, role from tokens").fetchall())
        assert roles == {"officer": "officer", "other": "officer", "admin": "admin"}
        assert authenticate(store, f"Bearer {made['admin']}").role is Role.ADMIN
    finally:
        store.close()
    own, others = made["officer_evaluation"], made["other_evaluation"]
    assert client.get(f"/api/v1/evaluations/{own}", headers=bearer(made["officer"])
                      ).status_code == 200  # its owner still reads it
    assert client.get(f"/api/v1/evaluations/{others}", headers=bearer(made["officer"])
                      ).status_code == 404  # and still not another token's
    assert client.get(f"/api/v1/evaluations/{others}", headers=bearer(made["admin"])
                      ).status_code == 200  # the admin token reads all, as before
    history = client.get(f"/api/v1/evaluations/{own}/decisions",
                         headers=bearer(made["officer"])).get_json()
    assert history["decisions"][0]["decided_by"]["name"] == "P. Chair"
    # the first administrator becomes the owner of the old tokens, and reads everything
    added = runner.invoke(main, ["user", "add", "Ada Admin", "ada@funder.example",
                                 "--role", "admin", "--password", "--db", str(path)],
                          input="a long enough one\na long enough one\n")
    assert added.exit_code == 0
    owners = {t["name"]: t["owner"] for t in json.loads(runner.invoke(
        main, ["token", "list", "--format", "json", "--db", str(path)]).output)}
    assert owners == {"officer": "Ada Admin", "other": "Ada Admin", "admin": "Ada Admin"}
    ada = PageClient(client)
    ada.sign_in(("ada@funder.example", "a long enough one"))
    listing = ada.get("/evaluations").get_data(as_text=True)
    assert own in listing and others in listing
    assert client.get(f"/api/v1/evaluations/{others}", headers=bearer(made["officer"])
                      ).status_code == 404  # owned now, but a token still reads its own


@pytest.mark.parametrize("role", ["officer", "panel", "admin"])
def test_a_decision_from_the_pages_records_the_signed_in_persons_name(app, client, role):
    evaluation = stored(client, make_token(app, "intake", admin=True))
    pages = PageClient(app.test_client())
    pages.sign_in(make_user(app, f"Named {role.title()}", role=role))
    if role == "officer":  # an officer decides only what they may read: not the intake's
        assert pages.get(f"/evaluations/{evaluation}").status_code == 404
        return
    if role == "panel":
        spring = new_round(client, make_token(app, "rounds", admin=True), "Spring")
        with Store(app.config["DATABASE"]) as store:
            from ccrules.store.rounds import assign
            assign(store, store.db.execute("select application_id from evaluations where "
                                           "id = ?", [evaluation]).fetchone()[0], spring, None)
            pat = store.db.execute("select id from users where role = 'panel'").fetchone()[0]
            from ccrules.store.rounds import add_member
            add_member(store, spring, pat)
    assert pages.post(f"/evaluations/{evaluation}/decision",
                      {"decision": "declined"}).status_code == 303
    r = client.get(f"/api/v1/evaluations/{evaluation}/decisions",
                   headers=bearer(make_token(app, "reader", admin=True)))
    assert r.get_json()["decisions"][0]["decided_by"]["name"] == f"Named {role.title()}"
