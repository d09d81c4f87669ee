"""The rule authoring toolkit: static checks, rule tests, the generated catalogue, hot
reload (good and broken sets, with requests in flight) and the impact of a change."""

import collections
import json
import signal
import threading
from pathlib import Path
from typing import Any

import pytest
import yaml

from ccrules.authoring.catalogue import render_catalogue
from ccrules.cli import main
from ccrules.rulebook import load_rulebook
from ccrules.store import Store

from helpers import (
    EXAMPLES,
    ROOT,
    Served,
    call,
    example,
    make_token,
    post_evaluation,
    set_severity,
    wait_until,
)

BASE = {"dimension": "community", "severity": "major", "lessons": ["L13"],
        "message": "A message about the rule.",
        "rationale": "A rationale long enough to pass the loader's check.",
        "recommendation": "Do the right thing.", "citation": "§2.5", "lines": "P:427-433"}


def add_rule(folder: Path, file: str = "extra.yaml", **rule) -> None:
    with open(folder / file, "a") as f:
        f.write(yaml.safe_dump({"rules": [dict(BASE, **rule)]}, sort_keys=False))


def check(runner, folder) -> tuple[int, list[str]]:
    result = runner.invoke(main, ["rules", "check", str(folder)])
    return result.exit_code, result.output.splitlines()


def test_the_project_rules_pass_every_check(runner):
    code, lines = check(runner, ROOT / "rules")
    assert code == 0 and lines[0].startswith("ok: 74 rules")


@pytest.mark.mechanism  # the checker, on the small fixed rules
def test_contradictory_terms_can_never_be_true(runner, rules_copy):
    add_rule(rules_copy, id="XX-01", title="Impossible calls",
             when={"all": [{"field": "community.calls_per_month", "op": "lt", "value": 1},
                           {"field": "community.calls_per_month", "op": "ge", "value": 3}]},
             examples={"fires": {}, "does_not_fire": {"community": {"calls_per_month": 2}}})
    code, lines = check(runner, rules_copy)
    assert code == 1
    assert "extra.yaml:2: XX-01: the condition can never be true (its terms contradict each " \
           "other)" in lines


@pytest.mark.mechanism  # the checker, on the small fixed rules
def test_a_narrow_gap_between_thresholds_is_not_called_impossible(runner, rules_copy):
    add_rule(rules_copy, id="XX-02", title="Calls between half and one a month",
             when={"all": [{"field": "community.calls_per_month", "op": "gt", "value": 0.5},
                           {"field": "community.calls_per_month", "op": "lt", "value": 1}]},
             examples={"fires": {"community": {"calls_per_month": 0.75}},
                       "does_not_fire": {"community": {"calls_per_month": 2}}})
    code, lines = check(runner, rules_copy)
    assert not any("XX-02" in line and "never" in line for line in lines), lines


@pytest.mark.mechanism  # the checker, on the small fixed rules
def test_duplicate_rule(runner, rules_copy):
    add_rule(rules_copy, id="XX-03", title="Planned late",
             when={"not": {"field": "community.planned_from_outset", "op": "eq",
                           "value": True}},
             examples={"fires": {"community": {"planned_from_outset": False}},
                       "does_not_fire": {"community": {"planned_from_outset": True}}})
    code, lines = check(runner, rules_copy)
    assert code == 1
    assert ("extra.yaml:2: XX-03: duplicates CO-02: the two conditions are true in exactly "
            "the same cases") in lines


@pytest.mark.mechanism  # the checker, on the small fixed rules
def test_kept_truth_tables_answer_as_a_fresh_check_and_stay_bounded(rules_copy, monkeypatch):
    """The static checks keep each condition's truth table between checks, keyed by the
    condition and its fields' regions: a check after edits (one rule contradictory, one a
    duplicate) finds what a check from nothing finds, and a small bound on the kept cells
    holds (a table larger than the bound is kept alone)."""
    from ccrules.authoring import static_checks
    from ccrules.kept import Kept

    def problems():
        return [(p.rule_id, p.msg) for p in
                static_checks.static_problems(load_rulebook(rules_copy))]

    problems()  # the tables of the unedited rules are kept
    add_rule(rules_copy, id="XX-01", title="Impossible calls",
             when={"all": [{"field": "community.calls_per_month", "op": "lt", "value": 1},
                           {"field": "community.calls_per_month", "op": "ge", "value": 3}]},
             examples={"fires": {}, "does_not_fire": {"community": {"calls_per_month": 2}}})
    add_rule(rules_copy, "more.yaml", id="XX-03", title="Planned late",
             when={"not": {"field": "community.planned_from_outset", "op": "eq",
                           "value": True}},
             examples={"fires": {"community": {"planned_from_outset": False}},
                       "does_not_fire": {"community": {"planned_from_outset": True}}})
    kept = problems()
    assert {rule for rule, _ in kept} == {"XX-01", "XX-03"}, kept
    tables = Kept(5_000, lambda key, table: len(table))
    monkeypatch.setattr(static_checks, "_tables", tables)
    assert problems() == kept  # from nothing, under a bound that evicts
    assert 0 < tables.total <= 5_000 or len(tables) == 1
    assert tables.total == sum(len(t) for _, t in tables.items())


@pytest.mark.mechanism  # the checker, on the small fixed rules
def test_shadowed_rule(runner, rules_copy):
    add_rule(rules_copy, id="XX-04", title="Late and quiet",
             when={"all": [{"field": "community.planned_from_outset", "op": "eq",
                            "value": False},
                           {"field": "community.calls_per_month", "op": "lt", "value": 1}]},
             examples={"fires": {"community": {"planned_from_outset": False,
                                               "calls_per_month": 0}},
                       "does_not_fire": {"community": {"planned_from_outset": True}}})
    code, lines = check(runner, rules_copy)
    assert code == 1
    assert ("extra.yaml:2: XX-04: is shadowed by CO-02: it can fire only when CO-02 fires, "
            "with the same severity and dimension") in lines


@pytest.mark.mechanism  # the checker, on the small fixed rules
def test_examples_that_misbehave_and_uncovered_lessons(runner, rules_copy):
    add_rule(rules_copy, id="XX-05", title="Wrong example",
             when={"field": "community.virtual_only", "op": "eq", "value": True},
             severity="minor",
             examples={"fires": {"community": {"virtual_only": False}},
                       "does_not_fire": {"community": {"virtual_only": False}}})
    code, lines = check(runner, rules_copy)
    assert code == 1
    assert any(line.startswith("extra.yaml:2: XX-05: examples.fires: expected the rule to "
                               "fire") for line in lines)
    path = rules_copy / "context.yaml"  # the one rule citing L33 cites another lesson too
    assert "lessons: [L31, L33]" in path.read_text()
    path.write_text(path.read_text().replace("lessons: [L31, L33]", "lessons: [L31]"))
    code, lines = check(runner, rules_copy)
    assert code == 1
    assert any(line.endswith("has no rule") and "L33" in line for line in lines), lines


def test_rules_test_table(runner, tmp_path):
    result = runner.invoke(main, ["rules", "test"])
    assert result.exit_code == 0
    assert "rule tests: 157 passed, 0 failed" in result.output
    examples = tmp_path / "examples"
    examples.mkdir()
    (examples / "ilcop.json").write_text((EXAMPLES / "ilcop.json").read_text())
    (examples / "expected.yaml").write_text("ilcop: {verdict: recommended, fires: [PF-S1]}\n")
    result = runner.invoke(main, ["rules", "test", "--examples", str(examples), "--format",
                                  "json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    failed = [c for c in data["checks"] if not c["passed"]]
    assert [c["name"] for c in failed] == ["ilcop"]
    assert failed[0]["detail"] == ('verdict not_recommended, expected recommended; did not '
                                   'fire ["PF-S1"]')


def test_catalogue_in_docs_is_current(rulebook):
    committed = (ROOT / "docs" / "rules.md").read_text()
    assert committed == render_catalogue(rulebook), (
        "docs/rules.md is stale: run ccrules rules catalogue --output docs/rules.md")
    title = rulebook.lesson_title("L33")
    assert title and f"| L33 | {title} | §2.6 |" in committed
    assert committed.rstrip().endswith("| BA-03, BA-S1 |")


# --- hot reload ----------------------------------------------------------------------------

def break_rules(folder: Path) -> None:
    path = folder / "community.yaml"
    path.write_text(path.read_text().replace("community.calls_per_month",
                                             "community.calls_a_month", 1))


def test_reload_endpoint_good_and_broken(tmp_path, rules_copy):
    from ccrules.web import create_app
    app = create_app({"DATABASE": str(tmp_path / "r.db"), "RULES": str(rules_copy)})
    client = app.test_client()
    admin = {"Authorization": f"Bearer {make_token(app, 'admin', admin=True)}"}
    user = {"Authorization": f"Bearer {make_token(app, 'user')}"}
    old = client.get("/healthz").get_json()["ruleset"]
    assert client.post("/api/v1/admin/reload", headers=user).status_code == 403
    break_rules(rules_copy)
    refused = client.post("/api/v1/admin/reload", headers=admin)
    assert refused.status_code == 422
    errors = refused.get_json()["error"]["errors"]
    assert errors[0]["loc"][0] == "community.yaml" and "did you mean" in errors[0]["msg"]
    assert client.get("/healthz").get_json()["ruleset"] == old  # the old set keeps serving
    ok = client.post("/api/v1/evaluations", headers=user,
                     json={"proposal": example("sepsis-bundle-emergency-departments")})
    assert ok.status_code == 201 and ok.get_json()["verdict"] == "conditional"
    (rules_copy / "community.yaml").write_text(
        (ROOT / "rules" / "community.yaml").read_text())
    set_severity(rules_copy, "IM-05", "blocker")
    done = client.post("/api/v1/admin/reload", headers=admin)
    assert done.status_code == 200
    new = done.get_json()["version"]
    assert new != old and done.get_json()["previous"] == old
    assert client.get("/healthz").get_json()["ruleset"] == new
    again = client.post("/api/v1/evaluations", headers=user,
                        json={"proposal": example("sepsis-bundle-emergency-departments")})
    assert again.get_json()["verdict"] == "not_recommended"
    assert again.get_json()["ruleset"]["version"] == new


@pytest.fixture
def server_rules(rules_copy):
    return rules_copy  # the real server serves a copy the test may change


def _clients(served: Served, n: int, proposal: dict) -> tuple[list, Any]:
    """n clients posting `proposal` until stopped: (their results, a stop function)."""
    results, stop = [], threading.Event()

    def client() -> None:
        while not stop.is_set():
            results.append(post_evaluation(served.base, served.token, proposal))
    threads = [threading.Thread(target=client) for _ in range(n)]
    for t in threads:
        t.start()

    def finish() -> None:
        stop.set()
        for t in threads:
            t.join()
    return results, finish


@pytest.mark.server
def test_sighup_reloads_with_requests_in_flight(server_rules, server):
    old = server.version()
    sepsis = example("sepsis-bundle-emergency-departments")
    results, finish = _clients(server, 4, sepsis)
    wait_until(lambda: len(results) >= 8, what="requests before the reload")
    set_severity(server_rules, "IM-05", "blocker")
    new = load_rulebook(server_rules).version
    server.signal(signal.SIGHUP)
    wait_until(lambda: server.version() == new, what="the new ruleset")
    count = len(results)
    wait_until(lambda: len(results) >= count + 8, what="requests after the reload")
    finish()
    assert all(status == 201 for status, _ in results), collections.Counter(s for s, _ in results)
    seen = [(body["ruleset"]["version"], body["verdict"]) for _, body in results]
    assert set(seen) <= {(old, "conditional"), (new, "not_recommended")}  # never mixed
    assert (old, "conditional") in seen and seen[-1] == (new, "not_recommended")
    store = Store(server.db)
    try:
        assert store.count() == len(results)
    finally:
        store.close()

    break_rules(server_rules)
    server.signal(signal.SIGHUP)
    server.wait_for_log("rules not reloaded")  # the master saw the broken set and said so
    assert server.version() == new  # and kept serving the one before
    assert post_evaluation(server.base, server.token, example("ilcop"))[0] == 201


# --- impact ----------------------------------------------------------------------------------

def test_impact_of_a_rule_change_on_a_stored_round(runner, tmp_path, rules_copy):
    db = tmp_path / "round.db"
    result = runner.invoke(main, ["screen", str(EXAMPLES), "--store", "--db", str(db),
                                  "--format", "json"])
    assert result.exit_code == 0
    set_severity(rules_copy, "IM-05", "blocker")
    result = runner.invoke(main, ["rules", "impact", str(rules_copy), "--db", str(db),
                                  "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["total"] == 9 and report["changed_count"] == 1
    assert report["transitions"] == [{"from": "conditional", "to": "not_recommended",
                                      "count": 1}]
    changed = report["changed"][0]
    assert changed["title"].startswith("Sepsis Six") and changed["rules"] == ["IM-05"]
    table = runner.invoke(main, ["rules", "impact", str(rules_copy), "--db", str(db)])
    assert "9 stored evaluations re-evaluated" in table.output
    assert "1 verdict would change" in table.output


@pytest.mark.server
def test_admin_reload_on_the_real_server_replaces_every_worker(server_rules, server):
    admin = make_token(server.db, "admin", admin=True)
    def both_up():
        pids = server.workers()
        return pids if len(pids) == 2 else None  # `ccrules serve` runs two by default
    workers = wait_until(both_up, what="both workers up")
    old = server.version()
    set_severity(server_rules, "IM-05", "blocker")
    status, _, body = call(server.base, "/api/v1/admin/reload", admin, method="POST")
    assert status == 202
    assert body["status"] == "reloading" and body["previous"] == old
    # every worker that served the old rules is gone, and as many new ones serve
    wait_until(lambda: len(server.workers()) == 2 and not server.workers() & workers,
               what="every worker replaced")
    assert server.version() == body["version"]
    for _ in range(6):
        status, result = post_evaluation(server.base, server.token,
                                         example("sepsis-bundle-emergency-departments"))
        assert (status, result["verdict"]) == (201, "not_recommended")


def test_validity_in_docs_is_current(rulebook):
    from ccrules.authoring.validity import render_validity
    committed = (ROOT / "docs" / "validity.md").read_text()
    assert committed == render_validity(rulebook), (
        "docs/validity.md is stale: run ccrules rules validity --output docs/validity.md")
    assert "## The problem-fit table" in committed and "`local_lead_time_pct`" in committed
