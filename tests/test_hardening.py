"""The twelve faults an outside client found in a live server (issue 14), each held shut:
slow clients, costly requests, atomic batches, shared rate limits, CSV formulas, open
redirects, inputs that gave 500, sessions that outlived sign-out, chunked bodies, raw HTML in
Markdown, reload replies, and the server's own errors and file modes."""

from __future__ import annotations

import csv
import http.client
import io
import json
import os
import signal
import socket
import stat
import threading
import time

import pytest

from ccrules.cli import main
from ccrules.service import spreadsheet_cell
from ccrules.store import Store

from helpers import (
    ANSWERED,
    PageClient,
    Served,
    call,
    example,
    make_token,
    post_evaluation,
    wait_until,
)


def raw(base: str, payload: bytes, wait: float = 1.0) -> bytes:
    """Send bytes straight down a socket and read what comes back."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(payload)
        time.sleep(wait)
        return sock.recv(65536)


# 1. Idle and half-open connections cannot starve the server ------------------------------

@pytest.mark.server
def test_half_open_connections_do_not_stop_other_clients(server):
    host, port = server.base.removeprefix("http://").split(":")
    held = []
    try:
        for _ in range(4):  # each sends half a request and waits
            sock = socket.create_connection((host, int(port)))
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            held.append(sock)
        for _ in range(10):  # others are still served, at once (a 1 s bound, not a benchmark)
            assert call(server.base, "/healthz", timeout=1)[0] == 200
        conn = http.client.HTTPConnection(host, int(port), timeout=1)
        first = None
        for _ in range(3):  # keep-alive honoured: one socket serves several requests
            conn.request("GET", "/healthz")
            response = conn.getresponse()
            response.read()
            assert response.status == 200
            assert (response.getheader("Connection") or "").lower() != "close"
            first = first or conn.sock
            assert conn.sock is first
        conn.close()
    finally:
        for sock in held:
            sock.close()


# 2. Lists, what_if, why_not and the number of values are bounded -------------------------

def test_a_proposal_with_sixty_thousand_items_is_refused_quickly(client, auth):
    body = json.dumps({"proposal": {"core_team": {"affiliations": ["x" * 10] * 60_000}}})
    assert 800_000 < len(body) < 1_048_576  # inside the byte limit: the count refuses it
    r = client.post("/api/v1/evaluations", data=body, headers=auth,
                    content_type="application/json")
    assert r.status_code == 413
    assert "more than the 30000 a request may hold" in r.get_json()["error"]["detail"]


def test_every_list_in_the_model_is_bounded(client, auth):
    r = client.post("/api/v1/evaluations", headers=auth, json={
        "proposal": {"core_team": {"affiliations": ["x"] * 51}}})
    assert r.status_code == 422
    assert r.get_json()["error"]["errors"][0]["loc"] == ["proposal", "core_team",
                                                        "affiliations"]
    r = client.post("/api/v1/evaluations", headers=auth, json={
        "proposal": {}, "what_if": {f"k{i}": 1 for i in range(21)}})
    assert r.status_code == 422
    schema = client.get("/openapi.json").get_json()["components"]["schemas"]
    assert schema["CoreTeam"]["properties"]["affiliations"]["anyOf"][0]["maxItems"] == 50


# 3. A batch is stored whole or not at all, even when its worker dies ----------------------

@pytest.mark.server
@pytest.mark.slow
def test_a_batch_whose_worker_is_killed_leaves_all_or_none_of_its_rows(tmp_path):
    served = Served.start(tmp_path)
    try:
        for attempt in range(4):
            batch = []
            for i in range(100):
                proposal = example("ilcop-redesigned")
                proposal["reference"] = f"B{attempt}-{i}"
                batch.append(proposal)
            result = {}

            def send(result=result, batch=batch):
                try:
                    result["status"] = call(served.base, "/api/v1/screenings", served.token,
                                            {"proposals": batch}, timeout=30)[0]
                except OSError as exc:
                    result["status"] = type(exc).__name__
            thread = threading.Thread(target=send)
            thread.start()
            time.sleep(0.05 + 0.1 * attempt)  # somewhere in the middle of the work
            for pid in served.workers():
                os.kill(pid, signal.SIGKILL)
            thread.join()
            wait_until(lambda: len(served.workers()) == 2, what="workers replaced")
            store = Store(served.db)
            try:
                stored = store.db.execute("select count(*) from evaluations where reference "
                                          "like ?", [f"B{attempt}-%"]).fetchone()[0]
            finally:
                store.close()
            assert stored in (0, 100), (attempt, stored, result)
    finally:
        served.stop()


# 4. Rate limits: every route that stores, per proposal, one counter per token ------------

@pytest.fixture
def limited(tmp_path, rulebook):
    from ccrules.web import create_app
    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "l.db"),
                      "RULEBOOK": rulebook, "RATE_LIMIT": "4 per minute"})
    return app


def test_the_limit_counts_proposals_across_api_and_pages(limited):
    client = limited.test_client()
    token = make_token(limited, "officer")
    auth = {"Authorization": f"Bearer {token}"}
    r = client.post("/api/v1/screenings", headers=auth, json={
        "proposals": [example("michigan-keystone")] * 3})
    assert r.status_code == 200  # three stored: three counted
    assert client.post("/api/v1/evaluations", headers=auth,
                       json={"proposal": example("ilcop")}).status_code == 201
    pages = PageClient(limited.test_client())
    pages.sign_in(token)  # the same token on the pages: the same counter
    r = pages.post("/evaluations/new", {"title": "one more", "problem.evidence_base": "strong"})
    assert r.status_code == 429
    refused = client.post("/api/v1/evaluations", headers=auth, json={"proposal": ANSWERED})
    assert refused.status_code == 429 and refused.headers["Retry-After"]


def test_refused_requests_do_not_count(limited):
    client = limited.test_client()
    auth = {"Authorization": f"Bearer {make_token(limited)}"}
    for _ in range(6):
        bad = client.post("/api/v1/evaluations", headers=auth,
                          json={"proposal": {"problem": {"scope": "vast"}}})
        assert bad.status_code == 422
    assert client.post("/api/v1/evaluations", headers=auth,
                       json={"proposal": ANSWERED}).status_code == 201


def test_a_web_batch_over_the_cap_is_refused(tmp_path, rulebook):
    from ccrules.web import create_app
    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "c.db"),
                      "RULEBOOK": rulebook, "MAX_BATCH": 3})
    pages = PageClient(app.test_client())
    pages.sign_in(make_token(app))
    r = pages.post("/evaluations/batch", {"proposal_files": [
        (io.BytesIO(b"{}"), f"{i}.json") for i in range(4)]},
        content_type="multipart/form-data")
    assert r.status_code == 413 and "At most 3 files per upload" in r.get_data(as_text=True)


@pytest.mark.server
def test_the_limit_is_shared_by_every_worker(tmp_path):
    served = Served.start(tmp_path, env={"CCRULES_RATE_LIMIT": "5 per minute"})
    try:
        wait_until(lambda: len(served.workers()) == 2, what="both workers")
        statuses = [post_evaluation(served.base, served.token, ANSWERED)[0]
                    for _ in range(9)]
        assert statuses.count(201) == 5 and statuses[5:] == [429] * 4
    finally:
        served.stop()


# 5. CSV exports cannot carry formulas -----------------------------------------------------

@pytest.mark.parametrize("title", ["=HYPERLINK(\"http://evil\")", "+1", "-2", "@SUM(A1)"])
def test_csv_cells_that_would_be_formulas_are_text(signed_in, title):
    answer = {"title": title, "problem.evidence_base": "strong"}
    assert signed_in.post("/evaluations/new", answer).status_code == 303
    text = signed_in.get("/evaluations.csv").get_data(as_text=True)
    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert row["Title"] == "'" + title


@pytest.mark.parametrize("value", ["\tx", "\rx", "=1", "+1", "-1", "@x"])
def test_every_formula_lead_is_neutralised(value):
    # Titles are stripped of leading whitespace on input; other cells may keep it.
    assert spreadsheet_cell(value) == "'" + value
    assert spreadsheet_cell("x=1") == "x=1" and spreadsheet_cell(3) == 3


def test_the_command_line_csv_is_safe_too(runner, tmp_path):
    path = tmp_path / "=cmd.json"  # the file name is the CSV's first column
    path.write_text(json.dumps({"title": "a proposal", "context": {"sites_enrolled": 3}}))
    out = runner.invoke(main, ["screen", str(path), "--format", "csv"]).output
    (row,) = list(csv.DictReader(io.StringIO(out.strip())))
    assert row["File"] == "'=cmd.json"


# 6. and 7. No open redirect; none of the inputs that gave 500 does --------------------------

@pytest.mark.parametrize("target", ["/%09/evil.example", "//evil.example", "/\\evil.example",
                                    "https://evil.example", "/%0d%0aSet-Cookie:x=1",
                                    "/ok\r\nX: y"])
def test_sign_in_never_leaves_the_site(app, client, target):
    pages = PageClient(client)
    r = client.post(f"/signin?next={target}", data={"token": make_token(app),
                                                   "csrf_token": pages.csrf("/signin")})
    assert r.status_code == 302 and r.headers["Location"] == "/"


def test_inputs_that_gave_500(client, auth, signed_in):
    assert client.get("/api/v1/evaluations?offset=99999999999999999999",
                      headers=auth).status_code == 422
    since = client.get("/api/v1/evaluations?since=9999-12-31T23:59:59-23:59", headers=auth)
    assert since.status_code == 422
    assert signed_in.get("/evaluations?page=" + "9" * 30).status_code == 200
    assert signed_in.get("/evaluations?since=9999-12-31T23:59:59-23:59").status_code == 200
    r = signed_in.post("/evaluations/new", {"title": "deep",
                                            "intervention.menu_options": "[" * 100_000})
    assert r.status_code == 422 and 'value="deep"' in r.get_data(as_text=True)


# 8. Signing out ends the session; revoking a token ends its access -----------------------

def test_a_copied_cookie_does_not_outlive_sign_out(app, signed_in):
    copied = signed_in.client.get_cookie("session").value
    assert signed_in.post("/signout").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", copied)
    r = thief.get("/evaluations")
    assert r.status_code == 302 and "/signin" in r.headers["Location"]


def test_revoking_a_token_ends_api_access_and_page_sessions(app, runner):
    token = make_token(app, "leaver")
    pages = PageClient(app.test_client())
    pages.sign_in(token)
    assert pages.get("/evaluations").status_code == 200
    result = runner.invoke(main, ["token", "revoke", "leaver", "--db",
                                  app.config["DATABASE"]])
    assert result.exit_code == 0 and "revoked 1 token" in result.output
    assert pages.get("/evaluations").status_code == 302
    r = app.test_client().get("/api/v1/evaluations",
                              headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401 and "revoked" in r.get_json()["error"]["detail"]
    listed = json.loads(runner.invoke(main, ["token", "list", "--format", "json", "--db",
                                             app.config["DATABASE"]]).output)
    assert [t["revoked_at"] is not None for t in listed if t["name"] == "leaver"] == [True]
    again = runner.invoke(main, ["token", "revoke", "leaver", "--db", app.config["DATABASE"]])
    assert again.exit_code == 1 and "no active token called 'leaver'" in again.output


# 9. A chunked body over the limit is refused ----------------------------------------------

@pytest.mark.server
def test_a_chunked_body_over_the_limit_is_refused(server):
    body = json.dumps({"proposal": ANSWERED}).encode()[:-1] + b" " * 1_100_000 + b"}"
    chunks = b"".join(f"{len(body[i:i + 65536]):x}\r\n".encode() + body[i:i + 65536] + b"\r\n"
                      for i in range(0, len(body), 65536)) + b"0\r\n\r\n"
    head = (f"POST /api/v1/evaluations HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
            f"{server.token}\r\nContent-Type: application/json\r\n"
            f"Transfer-Encoding: chunked\r\n\r\n").encode()
    answer = raw(server.base, head + chunks)
    assert answer.startswith(b"HTTP/1.1 413")


# 10. Markdown carries no raw HTML from a proposal -----------------------------------------

def test_markdown_export_escapes_proposal_text(signed_in):
    r = signed_in.post("/evaluations/new", {
        "title": "<img src=x onerror=alert(1)> [click](javascript:alert(1))",
        "problem.evidence_base": "strong"})
    md = signed_in.get(r.headers["Location"] + ".md").get_data(as_text=True)
    assert "<img" not in md and "&lt;img src=x onerror=alert(1)&gt;" in md
    assert "[click](" not in md and "\\[click\\]" in md


# 11. A reload's reply names the version that is served -----------------------------------

def test_a_reload_installs_the_checked_set_not_a_later_read(tmp_path, rules_copy):
    from ccrules.rulebook import load_rulebook
    from ccrules.web import create_app
    from ccrules.web.storage import reload_rules, request_reload

    from helpers import set_severity
    app = create_app({"DATABASE": str(tmp_path / "r.db"), "RULES": str(rules_copy)})
    set_severity(rules_copy, "IM-05", "blocker")
    asked = load_rulebook(rules_copy)
    request_reload(app, asked)  # the reply names asked.version ...
    set_severity(rules_copy, "IM-06", "blocker")  # ... and the files change again
    assert reload_rules(app).version == asked.version
    assert app.test_client().get("/healthz").get_json()["ruleset"] == asked.version


# 12. The server's own errors in the one shape; the database readable by its owner only ---

@pytest.mark.server
def test_the_servers_own_errors_are_json(server):
    answer = raw(server.base, b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n").decode()
    head, _, body = answer.partition("\r\n\r\n")
    assert head.startswith("HTTP/1.1 414") and "Content-Type: application/json" in head
    assert json.loads(body)["error"]["status"] == 414


def test_a_new_database_is_readable_by_its_owner_only(tmp_path):
    store = Store(tmp_path / "private.db")
    store.close()
    assert stat.S_IMODE((tmp_path / "private.db").stat().st_mode) == 0o600


@pytest.mark.server
def test_the_served_database_is_private(server):
    call(server.base, "/healthz")
    for path in server.db.parent.glob(server.db.name + "*"):
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path


# Backups: a consistent copy while the server writes ---------------------------------------

@pytest.mark.server
def test_backup_while_the_server_writes(server, runner, tmp_path):
    stop = threading.Event()
    acknowledged = []

    def write():
        while not stop.is_set():
            status, body = post_evaluation(server.base, server.token, example("ilcop"))
            if status == 201:
                acknowledged.append(body["id"])
    writer = threading.Thread(target=write)
    writer.start()
    try:
        wait_until(lambda: len(acknowledged) >= 5, what="some evaluations stored")
        dest = tmp_path / "copy" / "backup.db"
        result = runner.invoke(main, ["backup", str(dest), "--db", str(server.db)])
    finally:
        stop.set()
        writer.join()
    assert result.exit_code == 0, result.output
    assert "integrity ok" in result.output
    copied = int(result.output.split(": ")[1].split()[0])
    assert copied >= 5
    assert stat.S_IMODE(os.stat(dest).st_mode) == 0o600
    store = Store(dest)
    try:
        assert store.db.execute("select count(*) from evaluations").fetchone()[0] == copied
    finally:
        store.close()
    again = runner.invoke(main, ["backup", str(dest), "--db", str(server.db)])
    assert again.exit_code != 0 and "exists" in again.output
