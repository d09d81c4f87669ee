"""The real service: `ccrules serve` (gunicorn, two workers) on a loopback port."""

import json
import urllib.error
import urllib.request

from ccrules.store import Store

from conftest import EXAMPLES


def request(url, token=None, body=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, data=json.dumps(body).encode() if body else None,
                                 headers=headers, method="POST" if body else "GET")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers), json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), json.loads(e.read())


def test_evaluate_an_example_over_http(server):
    base, token, db = server
    ilcop = json.loads((EXAMPLES / "ilcop.json").read_text())
    status, headers, body = request(base + "/api/v1/evaluations", token, {"proposal": ilcop})
    assert status == 201 and body["verdict"] == "not_recommended"
    assert headers["Location"] == f"/api/v1/evaluations/{body['id']}"
    status, _, stored = request(base + headers["Location"], token)
    assert status == 200 and stored == body
    status, _, err = request(base + "/api/v1/evaluations", None, {"proposal": ilcop})
    assert status == 401 and err["error"]["status"] == 401
    for _ in range(6):  # requests land on both workers; each answers from the one rulebook
        assert request(base + "/api/v1/rules", token)[2]["version"] == body["ruleset"][
            "version"]
    store = Store(db)
    assert store.count() == 1
    store.close()
