"""Security: which routes are open, headers on every response, no internals in any error,
rate limits per token, session cookie flags."""

import re

import pytest

from helpers import ANSWERED, example, make_token

OPEN = {"/healthz", "/openapi.json", "/docs", "/docs/", "/docs/<path:filename>",
        "/static/<path:filename>", "/signin"}
INTERNALS = re.compile(r"Traceback|site-packages|/work/|\.py\b|File \"")


def routes(app):
    for rule in app.url_map.iter_rules():
        # a variable becomes "x"; an any(a, b) variable its first choice
        path = re.sub(r"<any\((\w+)[^)]*\):\w+>", r"\1", rule.rule)
        path = re.sub(r"<(?:\w+:)?(\w+)>", "x", path)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.rule, method, path


def test_no_route_but_the_open_ones_without_a_valid_token(app, client):
    checked, seen = 0, set()
    for rule, method, path in routes(app):
        if rule in OPEN:
            continue
        seen.add((method, rule))
        for headers in ({}, {"Authorization": "Bearer ccr_0000000000000000_" + "a" * 43}):
            r = client.open(path, method=method, headers=headers, json={})
            checked += 1
            if rule.startswith("/api/"):
                assert r.status_code == 401, (method, rule)
                assert r.get_json()["error"]["status"] == 401
            else:  # a page: to the sign-in page, never the content
                assert r.status_code in (302, 400), (method, rule, r.status_code)
                if r.status_code == 302:
                    assert "/signin" in r.headers["Location"]
    assert checked == 2 * len(seen)  # each closed route-method pair, without and with a token
    assert {("GET", "/evaluations/<evaluation_id>"),
            ("GET", "/evaluations/<evaluation_id>/what-if"), ("POST", "/evaluations/new"),
            ("POST", "/evaluations/batch"),
            ("GET", "/api/v1/evaluations/<evaluation_id>"), ("POST", "/api/v1/evaluations"),
            ("POST", "/api/v1/screenings"), ("POST", "/api/v1/admin/reload")} <= seen


def test_the_open_routes_answer_without_a_token(client):
    for path in ("/healthz", "/openapi.json", "/docs/", "/signin"):
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize("method, path, kwargs", [
    ("get", "/healthz", {}), ("get", "/openapi.json", {}), ("get", "/docs/", {}),
    ("get", "/signin", {}), ("get", "/", {}), ("get", "/nowhere", {}),
    ("get", "/api/v1/evaluations", {}), ("post", "/api/v1/evaluations", {"data": "{"}),
    ("delete", "/api/v1/rules", {}), ("get", "/static/ccrules.css", {}),
])
def test_security_headers_on_every_response(client, method, path, kwargs):
    with getattr(client, method)(path, **kwargs) as r:
        csp = r.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["X-Frame-Options"] == "DENY"


def test_no_stack_trace_or_internal_path_in_error_responses(app, client, auth):
    responses = [
        client.post("/api/v1/evaluations", data="{", headers=auth,
                    content_type="application/json"),
        client.post("/api/v1/evaluations", json={"proposal": {"problem": {"scope": 1}}},
                    headers=auth),
        client.post("/api/v1/evaluations", data="x", headers=auth, content_type="text/plain"),
        client.get("/api/v1/evaluations/../../etc/passwd", headers=auth),
        client.get("/api/v1/evaluations?limit=-1", headers=auth),
        client.get("/nowhere"),
        client.put("/api/v1/evaluations", headers=auth),
        client.post("/api/v1/evaluations", data=b"[" * 100_000, headers=auth,
                    content_type="application/json"),
    ]
    for r in responses:
        assert r.status_code < 500
        assert not INTERNALS.search(r.get_data(as_text=True)), r.get_data(as_text=True)


def test_rate_limit_per_token_in_the_error_shape(tmp_path):
    from ccrules.web import create_app
    app = create_app({"DATABASE": str(tmp_path / "rl.db"), "RATE_LIMIT": "3 per minute"})
    client = app.test_client()
    first = {"Authorization": f"Bearer {make_token(app, 'first')}"}
    second = {"Authorization": f"Bearer {make_token(app, 'second')}"}
    codes = [client.post("/api/v1/evaluations", json={"proposal": example("ilcop")},
                         headers=first).status_code for _ in range(4)]
    assert codes == [201, 201, 201, 429]
    limited = client.post("/api/v1/evaluations", json={"proposal": ANSWERED}, headers=first)
    body = limited.get_json()
    assert set(body) == {"error"} and body["error"]["status"] == 429
    assert int(limited.headers["Retry-After"]) > 0
    # another token has its own allowance, and reads are not limited
    assert client.post("/api/v1/evaluations", json={"proposal": ANSWERED},
                       headers=second).status_code == 201
    assert client.get("/api/v1/evaluations", headers=first).status_code == 200


def test_session_cookie_is_http_only_secure_and_same_site(app, client):
    import re as _re
    page = client.get("/signin").get_data(as_text=True)
    csrf = _re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = client.post("/signin", data={"token": make_token(app), "csrf_token": csrf})
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie


def test_forms_need_the_csrf_token(app, client):
    r = client.post("/signin", data={"token": make_token(app)})
    assert r.status_code == 400 and "did not come from this site" in r.get_data(as_text=True)
