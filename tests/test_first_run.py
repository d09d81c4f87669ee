"""First-run friction (issue 15): what a new programme officer meets before the first
verdict: the sign-in cookie over plain HTTP, a busy port, the docs page's example body, a
bare proposal sent to the API, and a later `make run` saying how to make a token."""

from __future__ import annotations

import socket

import pytest

from ccrules.cli import main

from helpers import PageClient, example, make_user


def test_sign_in_over_plain_http_explains_the_cookie(app):
    first = PageClient(app.test_client())
    token = first.csrf("/signin")
    fresh = app.test_client()  # a browser that dropped the Secure cookie
    email, password = make_user(app)
    r = fresh.post("/signin", data={"email": email, "password": password, "csrf_token": token})
    assert r.status_code == 400
    detail = r.get_data(as_text=True)
    assert "did not send back the sign-in cookie" in detail and "HTTPS" in detail
    assert "CCRULES_SESSION_COOKIE_SECURE=false" in detail
    forged = PageClient(app.test_client())
    forged.csrf("/signin")  # has a cookie, but sends the wrong token
    r = forged.client.post("/signin", data={"email": email, "password": "x",
                                            "csrf_token": "wrong"})
    assert r.status_code == 400 and "The form has expired" in r.get_data(as_text=True)


def test_a_busy_port_is_one_clear_line(runner, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(main, ["serve", "--port", str(port), "--db",
                                      str(tmp_path / "x.db")])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        f"Error: port {port} on 127.0.0.1 is already in use (another ccrules, or another "
        f"program, is listening there): stop it, or choose another port with --port")
    assert "Traceback" not in result.output


def test_the_docs_example_body_is_a_real_example_that_evaluates(client, auth):
    spec = client.get("/openapi.json").get_json()
    body = spec["paths"]["/api/v1/evaluations"]["post"]["requestBody"]["content"][
        "application/json"]["example"]
    assert body == {"proposal": example("ilcop-redesigned")}
    r = client.post("/api/v1/evaluations", json=body, headers=auth)
    assert r.status_code == 201 and r.get_json()["verdict"] == "conditional"


def test_a_bare_proposal_gets_a_hint(client, auth):
    r = client.post("/api/v1/evaluations", json=example("michigan-keystone"), headers=auth)
    assert r.status_code == 422
    assert 'This looks like a bare proposal: send it as {"proposal": {...}}' in \
        r.get_json()["error"]["detail"]
    r = client.post("/api/v1/evaluations", json={"what_if": {}}, headers=auth)
    assert "bare proposal" not in r.get_json()["error"]["detail"]


@pytest.mark.server
def test_a_later_start_says_how_to_add_people(server):
    server.wait_for_log("Sign in with your account. To add people: ccrules user add NAME EMAIL")
    assert "First API token" not in server.log()  # the database already had one
    assert "First administrator" not in server.log()  # and a user
