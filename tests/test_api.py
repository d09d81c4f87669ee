"""The JSON API through Flask's test client: every endpoint and every error status."""

import json
import re

import pytest

from ccrules.errors import EngineError

from helpers import ANSWERED, example, make_token

ERROR_KEYS = {"status", "title", "detail", "errors"}


def assert_error(response, status):
    """Every error has the one shape, with the right status, as JSON."""
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == ERROR_KEYS
    assert body["error"]["status"] == status
    assert all(set(e) == {"loc", "msg"} for e in body["error"]["errors"])
    return body["error"]


def post_eval(client, auth, proposal):
    return client.post("/api/v1/evaluations", json={"proposal": proposal}, headers=auth)


def test_healthz_and_openapi_are_open(client, app):
    health = client.get("/healthz")
    assert health.status_code == 200 and health.json["status"] == "ok"
    spec = client.get("/openapi.json").json
    assert spec["openapi"] == "3.1.0"
    assert set(spec["paths"]) == {"/api/v1/evaluations", "/api/v1/evaluations/{evaluation_id}",
                                  "/api/v1/rules", "/api/v1/rules/{rule_id}",
                                  "/api/v1/screenings", "/api/v1/admin/reload", "/healthz",
                                  "/api/v1/lessons", "/api/v1/agreement",
                                  "/api/v1/evaluations/{evaluation_id}/decisions",
                                  "/api/v1/evaluations/{evaluation_id}/changes",
                                  "/api/v1/rounds", "/api/v1/rounds/{round_id}",
                                  "/api/v1/rounds/{round_id}/close",
                                  "/api/v1/applications/{application_id}",
                                  "/api/v1/applications/{application_id}/round",
                                  "/api/v1/intake", "/openapi.json"}
    post = spec["paths"]["/api/v1/evaluations"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/EvaluationRequest"}
    assert set(post["responses"]) == {"201", "400", "401", "403", "413", "415", "422", "429"}
    assert "Proposal" in spec["components"]["schemas"]
    assert spec["paths"]["/healthz"]["get"]["security"] == []


def test_docs_work_offline(client):
    page = client.get("/docs/")
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.get_data(as_text=True))
    assert len(assets) == 4 and all(a.startswith(("/docs/", "/static/")) for a in assets)
    assert "<script>" not in page.get_data(as_text=True)  # no inline script: CSP holds
    with client.get("/static/swagger-init.js") as init:
        assert b'url: "/openapi.json"' in init.data
    for asset in assets:  # every asset is served by this app: no CDN
        with client.get(asset) as served:
            assert served.status_code == 200, asset
    with client.get("/docs/swagger-ui-bundle.js") as js:
        assert len(js.data) > 100_000


def test_post_evaluation_201_with_location(client, auth):
    r = post_eval(client, auth, example("ilcop"))
    assert r.status_code == 201
    body = r.get_json()
    assert body["verdict"] == "not_recommended"
    assert r.headers["Location"] == f"/api/v1/evaluations/{body['id']}"
    again = client.get(r.headers["Location"], headers=auth)
    assert again.status_code == 200 and again.get_json() == body


def test_list_filters_and_paginates(client, auth):
    for name in ("michigan-keystone", "ilcop", "ilcop-redesigned", "michigan-keystone"):
        assert post_eval(client, auth, example(name)).status_code == 201
    # michigan-keystone twice is one application evaluated twice: listed once (current)
    page = client.get("/api/v1/evaluations?limit=2", headers=auth).get_json()
    assert page["total"] == 3 and len(page["items"]) == 2 and page["limit"] == 2
    every = client.get("/api/v1/evaluations?versions=all", headers=auth).get_json()
    assert every["total"] == 4
    page = client.get("/api/v1/evaluations?limit=2&versions=all", headers=auth).get_json()
    rest = client.get("/api/v1/evaluations?limit=2&offset=2&versions=all",
                      headers=auth).get_json()
    assert {i["id"] for i in page["items"]}.isdisjoint(i["id"] for i in rest["items"])
    rec = client.get("/api/v1/evaluations?verdict=recommended", headers=auth).get_json()
    assert rec["total"] == 1 and {i["verdict"] for i in rec["items"]} == {"recommended"}
    future = client.get("/api/v1/evaluations?since=2999-01-01", headers=auth).get_json()
    assert future["total"] == 0
    past = client.get("/api/v1/evaluations?until=2000-01-01T00:00:00Z", headers=auth)
    assert past.get_json()["total"] == 0
    everything = client.get("/api/v1/evaluations?since=2000-01-01", headers=auth).get_json()
    assert everything["total"] == 3


@pytest.mark.parametrize("query, loc", [
    ("verdict=maybe", ["query", "verdict"]),
    ("limit=0", ["query", "limit"]),
    ("limit=500", ["query", "limit"]),
    ("since=yesterday", ["query", "since"]),
    ("colour=red", ["query", "colour"]),
])
def test_list_rejects_bad_queries(client, auth, query, loc):
    err = assert_error(client.get(f"/api/v1/evaluations?{query}", headers=auth), 422)
    assert err["errors"][0]["loc"] == loc


def test_screening_keeps_order_and_counts(client, auth):
    batch = [example("michigan-keystone"), example("ilcop"), example("incomplete-draft")]
    r = client.post("/api/v1/screenings", json={"proposals": batch}, headers=auth)
    assert r.status_code == 200
    body = r.get_json()
    assert [x["index"] for x in body["results"]] == [0, 1, 2]
    assert [x["evaluation"]["verdict"] for x in body["results"]] == [
        "recommended", "not_recommended", "insufficient_information"]
    assert body["counts"] == {"recommended": 1, "conditional": 0, "not_recommended": 1,
                              "insufficient_information": 1, "invalid": 0}
    assert client.get("/api/v1/evaluations", headers=auth).get_json()["total"] == 3


def test_a_screening_with_a_bad_proposal_is_refused_whole(client, auth):
    batch = [example("michigan-keystone"), {"problem": {"scope": "everywhere"}}, [1, 2]]
    err = assert_error(client.post("/api/v1/screenings", json={"proposals": batch},
                                   headers=auth), 422)
    locs = [e["loc"] for e in err["errors"]]
    assert ["proposals", 1, "problem", "scope"] in locs and ["proposals", 2] in locs
    assert client.get("/api/v1/evaluations", headers=auth).get_json()["total"] == 0


def test_screening_batch_limit(app, client, auth):
    app.config["MAX_BATCH"] = 3
    r = client.post("/api/v1/screenings", json={"proposals": [{}] * 4}, headers=auth)
    err = assert_error(r, 422)
    assert err["detail"] == "At most 3 proposals per screening."


def test_rules_endpoints(client, auth, rulebook):
    rules = client.get("/api/v1/rules", headers=auth).get_json()
    assert rules["version"] == rulebook.version
    assert all(rules["lessons"][f"L{i}"] for i in range(1, 36))
    one = client.get("/api/v1/rules/PF-01", headers=auth).get_json()
    assert one["when"]["any"][0] == {"field": "intervention.standardisation", "op": "eq",
                                     "value": "locally_designed"}
    assert one["severity"] == "blocker" and one["lessons"] == ["L19", "L26", "L27"]
    co07 = client.get("/api/v1/rules/CO-07", headers=auth).get_json()
    assert co07["when"]["value"] == {"param": "local_lead_time_pct"}  # the funder's figure
    assert_error(client.get("/api/v1/rules/XX-99", headers=auth), 404)


# --- every error status ---------------------------------------------------------------------

def test_malformed_json_is_400(client, auth):
    r = client.post("/api/v1/evaluations", data="{not json", headers=auth,
                    content_type="application/json")
    assert "not valid JSON" in assert_error(r, 400)["detail"]


def test_deeply_nested_json_is_400(client, auth):
    body = '{"proposal": ' + "[" * 50 + "]" * 50 + "}"
    r = client.post("/api/v1/evaluations", data=body, headers=auth,
                    content_type="application/json")
    assert "nested deeper" in assert_error(r, 400)["detail"]


def test_wrong_content_type_is_415(client, auth):
    r = client.post("/api/v1/evaluations", data=json.dumps({"proposal": ANSWERED}), headers=auth,
                    content_type="text/plain")
    assert_error(r, 415)


def test_validation_errors_are_422_listing_every_field(client, auth):
    r = post_eval(client, auth, {"problem": {"evidence_base": "great", "scope": 3},
                                 "enrolment": {"data_submision": "voluntary"}})
    err = assert_error(r, 422)
    locs = sorted(tuple(e["loc"]) for e in err["errors"])
    assert locs == [("proposal", "enrolment", "data_submision"),
                    ("proposal", "problem", "evidence_base"), ("proposal", "problem", "scope")]
    unknown = next(e for e in err["errors"] if e["loc"][-1] == "data_submision")
    assert unknown["msg"] == "unknown field (did you mean 'data_submission'?)"


def test_unknown_top_level_key_is_422(client, auth):
    r = client.post("/api/v1/evaluations", json={"proposal": {}, "extra": 1}, headers=auth)
    assert assert_error(r, 422)["errors"] == [{"loc": ["extra"], "msg": "unknown field"}]


def test_body_over_one_mib_is_413(client, auth):
    r = client.post("/api/v1/evaluations", data=b"{" + b" " * (1024 * 1024 + 10) + b"}",
                    headers=auth, content_type="application/json")
    assert_error(r, 413)


def test_unknown_route_is_404_and_wrong_method_405(client, auth):
    assert_error(client.get("/api/v1/nothing", headers=auth), 404)
    assert_error(client.get("/api/v2/evaluations"), 404)
    assert_error(client.delete("/api/v1/evaluations", headers=auth), 405)
    assert_error(client.get("/api/v1/evaluations/0123456789abcdef", headers=auth), 404)


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer nonsense", "Basic abc",
                                    "Bearer ccr_0123456789abcdef_" + "x" * 43])
def test_every_api_route_needs_a_valid_token(client, header):
    headers = {"Authorization": header} if header else {}
    for method, path in (("get", "/api/v1/evaluations"), ("post", "/api/v1/evaluations"),
                         ("get", "/api/v1/evaluations/abc"), ("post", "/api/v1/screenings"),
                         ("get", "/api/v1/rules"), ("get", "/api/v1/rules/PF-01")):
        r = getattr(client, method)(path, headers=headers, json={})
        assert_error(r, 401)
        assert r.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_token_reads_only_its_own_evaluations(app, client, auth):
    created = post_eval(client, auth, example("ilcop")).get_json()
    other = {"Authorization": f"Bearer {make_token(app, 'other')}"}
    assert_error(client.get(f"/api/v1/evaluations/{created['id']}", headers=other), 404)
    assert client.get("/api/v1/evaluations", headers=other).get_json()["total"] == 0
    admin = {"Authorization": f"Bearer {make_token(app, 'auditor', admin=True)}"}
    assert client.get(f"/api/v1/evaluations/{created['id']}", headers=admin).status_code == 200


@pytest.mark.parametrize("error", [
    RuntimeError("secret internal detail at /work/main/ccrules/screener.py"),
    EngineError("durable_rules and the Python evaluator disagree on PF-01 (secret)"),
])
def test_5xx_is_logged_with_its_traceback_and_answers_the_generic_body(
        client, auth, monkeypatch, caplog, error):
    import ccrules.web.v1

    def broken(*args, **kwargs):
        raise error
    monkeypatch.setattr(ccrules.web.v1, "evaluate_and_store", broken)
    with caplog.at_level("ERROR", logger="ccrules.web"):
        r = post_eval(client, auth, {})
    err = assert_error(r, 500)
    body = r.get_data(as_text=True)
    assert "secret" not in body and "/work" not in body and "PF-01" not in body
    assert err["title"] == "Internal Server Error" and err["errors"] == []
    logged = [rec for rec in caplog.records if rec.exc_info]
    assert logged and logged[-1].exc_info[1] is error  # the operator sees what happened
    assert "secret" in caplog.text and "Traceback" in caplog.text


def test_a_given_test_config_wins_over_the_environment(tmp_path, monkeypatch, rulebook):
    from ccrules.web import create_app
    exported = tmp_path / "real.db"
    monkeypatch.setenv("CCRULES_MAX_BATCH", "7")
    monkeypatch.setenv("CCRULES_DATABASE", str(exported))
    app = create_app({"DATABASE": str(tmp_path / "mapping.db"), "RULEBOOK": rulebook})
    assert app.config["MAX_BATCH"] == 100 and app.config["DATABASE"].endswith("mapping.db")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {make_token(app)}"}
    assert post_eval(client, headers, example("ilcop")).status_code == 201
    assert not exported.exists()  # the exported database was never opened


def test_without_a_test_config_the_environment_configures_the_service(tmp_path,
                                                                       monkeypatch):
    from ccrules.web import create_app
    monkeypatch.setenv("CCRULES_MAX_BATCH", "7")
    monkeypatch.setenv("CCRULES_DATABASE", str(tmp_path / "env.db"))
    app = create_app()
    assert app.config["MAX_BATCH"] == 7 and app.config["DATABASE"].endswith("env.db")
    app = create_app(overrides={"DATABASE": str(tmp_path / "cli.db")})  # `serve --db`
    assert app.config["MAX_BATCH"] == 7 and app.config["DATABASE"].endswith("cli.db")
