"""The real service: `ccrules serve` (gunicorn, two workers) on a loopback port."""

import pytest

from ccrules.store import Store

from helpers import call, example

pytestmark = pytest.mark.server


def test_evaluate_an_example_over_http(server):
    ilcop = example("ilcop")
    status, headers, body = call(server.base, "/api/v1/evaluations", server.token,
                                 {"proposal": ilcop})
    assert status == 201 and body["verdict"] == "not_recommended"
    assert headers["Location"] == f"/api/v1/evaluations/{body['id']}"
    status, _, stored = call(server.base, headers["Location"], server.token)
    assert status == 200 and stored == body
    status, _, err = call(server.base, "/api/v1/evaluations", None, {"proposal": ilcop})
    assert status == 401 and err["error"]["status"] == 401
    for _ in range(6):  # requests land on both workers; each answers from the one rulebook
        assert call(server.base, "/api/v1/rules", server.token)[2]["version"] == body[
            "ruleset"]["version"]
    store = Store(server.db)
    try:
        assert store.count() == 1
    finally:
        store.close()
