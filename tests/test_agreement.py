"""Agreement between the panel's decisions and the verdicts, on a seeded round of the
examples with decisions counted by hand; the rule catalogue's override rates; and the impact
of a rule change split into verdicts moving toward the panel's decisions and away."""

import csv
import io
import json

import pytest

from ccrules.authoring.catalogue import render_catalogue
from ccrules.authoring.impact import move
from ccrules.authoring.reasons import group_reasons
from ccrules.cli import main
from ccrules.panel.decisions import DecisionInput, agreement
from ccrules.screening.evaluate import evaluate
from ccrules.store import Store
from ccrules.store.decisions import Decider, add_decision

from helpers import PageClient, example, example_names, make_token, make_user, set_severity

# agreement arithmetic / interview mechanics: on the small fixed rules (tests/fixtures/rules)
pytestmark = pytest.mark.mechanism

LEADS = "Local leads have protected time in the host trust"
CALLS = "Calls are already run by participants"
# example -> decisions in the order recorded (the last is current): (decision, set aside)
ROUND = {
    "antibiotic-stewardship-local-innovation": [("declined", [])],
    "community-pharmacy-thin": [("deferred", [])],
    "falls-prevention-virtual": [("funded_with_conditions", [("CO-02", CALLS)])],
    "ilcop-paper-alternative": [("funded", [("CO-07", LEADS.lower() + "."),
                                            ("CO-02", "calls are already run by the "
                                                      "participants")])],
    "ilcop-redesigned": [("declined", [])],
    "ilcop": [("funded", [("CO-07", "A reason the later decision replaces")]),
              ("declined", [("CO-07", "The trust pays for backfill")])],
    # incomplete-draft: no decision
    "michigan-keystone": [("funded_with_conditions", [])],
    "sepsis-bundle-emergency-departments": [("funded_with_conditions", [("CO-07", LEADS)])],
}
# The hand count. Verdicts: antibiotic and ilcop not_recommended; community-pharmacy (and
# incomplete-draft) insufficient_information; falls, ilcop-paper-alternative,
# ilcop-redesigned and sepsis conditional; michigan recommended.
HAND_TABLE = {
    "recommended": {"funded": 0, "funded_with_conditions": 1, "declined": 0, "deferred": 0},
    "conditional": {"funded": 1, "funded_with_conditions": 2, "declined": 1, "deferred": 0},
    "not_recommended": {"funded": 0, "funded_with_conditions": 0, "declined": 2,
                        "deferred": 0},
    "insufficient_information": {"funded": 0, "funded_with_conditions": 0, "declined": 0,
                                 "deferred": 1},
}
# agree: antibiotic, community-pharmacy, falls, ilcop, sepsis; partly: michigan (recommended
# but funded with conditions), ilcop-paper-alternative (conditional but funded outright);
# disagree: ilcop-redesigned (conditional, declined). 8 decided of 9.
HAND = {"evaluations": 9, "decided": 8, "agree": 5, "partly": 2, "disagree": 1,
        "agreement_rate": 0.625, "same_direction_rate": 0.875}


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def officer(app):
    return make_user(app, "officer")


@pytest.fixture
def seeded(app, client, officer):
    """Every example evaluated by one officer's token, and the round's decisions recorded."""
    token = make_token(app, "officer's integration", owner=officer)
    for name in example_names():
        r = client.post("/api/v1/evaluations", json={"proposal": example(name)},
                        headers=bearer(token))
        assert r.status_code == 201
        for decision, items in ROUND.get(name, []):
            body = {"decision": decision, "accept_all": not items, "decided_by": "P. Chair",
                    "reason": "As minuted.",
                    "set_aside": [{"rule_id": rule, "reason": why} for rule, why in items]}
            d = client.post(f"/api/v1/evaluations/{r.get_json()['id']}/decisions", json=body,
                            headers=bearer(token))
            assert d.status_code == 201, d.get_json()
    return token


def test_the_pairs_that_agree():
    assert [agreement(v, d) for v, d in [
        ("recommended", "funded"), ("conditional", "funded_with_conditions"),
        ("not_recommended", "declined"), ("insufficient_information", "deferred"),
        ("recommended", "funded_with_conditions"), ("conditional", "funded"),
        ("conditional", "declined"), ("not_recommended", "funded"),
        ("insufficient_information", "funded"), ("recommended", "deferred")]] == [
        "agree", "agree", "agree", "agree", "partly", "partly",
        "disagree", "disagree", "disagree", "disagree"]


def test_reasons_are_grouped_when_identical_or_nearly():
    groups = group_reasons([LEADS, CALLS, LEADS.upper() + "!", "calls are already run by the "
                            "participants", "The trust pays for backfill", LEADS])
    assert [(g.reason, g.count) for g in groups] == [
        (LEADS, 3), (CALLS, 2), ("The trust pays for backfill", 1)]
    assert groups[1].wordings == [CALLS, "calls are already run by the participants"]


def test_the_agreement_table_matches_the_hand_count(app, client, seeded):
    report = client.get("/api/v1/agreement", headers=bearer(seeded)).get_json()
    assert report["table"] == HAND_TABLE
    assert {k: report[k] for k in HAND} == HAND
    by_rule = {r["rule_id"]: r for r in report["rules"]}
    # CO-07 fired in ilcop, ilcop-paper-alternative and sepsis, set aside in all three (the
    # superseded ilcop decision's reason is not counted); CO-02 fired in falls, ilcop and
    # ilcop-paper-alternative, set aside in two, for the same reason in other words
    assert [r["rule_id"] for r in report["rules"][:2]] == ["CO-07", "CO-02"]
    assert (by_rule["CO-07"]["fired"], by_rule["CO-07"]["set_aside"]) == (3, 3)
    leads, backfill = by_rule["CO-07"]["reasons"]
    assert (leads["count"], sorted(leads["wordings"])) == (2, [LEADS, LEADS.lower() + "."])
    assert (backfill["reason"], backfill["count"]) == ("The trust pays for backfill", 1)
    assert (by_rule["CO-02"]["fired"], by_rule["CO-02"]["set_aside"]) == (3, 2)
    assert by_rule["CO-02"]["rate"] == pytest.approx(2 / 3, abs=1e-4)
    assert [g["count"] for g in by_rule["CO-02"]["reasons"]] == [2]
    assert sum(r["set_aside"] for r in report["rules"]) == 5
    assert by_rule["PF-S1"] == {"rule_id": "PF-S1", "title": by_rule["PF-S1"]["title"],
                                "fired": 3, "set_aside": 0, "rate": 0.0,
                                "reason_groups": 0, "reasons": []}


def test_agreement_is_read_under_the_access_rule_and_filtered(app, client, seeded):
    other = client.get("/api/v1/agreement", headers=bearer(make_token(app, "other")))
    assert (other.get_json()["evaluations"], other.get_json()["decided"]) == (0, 0)
    assert other.get_json()["agreement_rate"] is None
    admin = bearer(make_token(app, "auditor", admin=True))
    assert client.get("/api/v1/agreement", headers=admin).get_json()["table"] == HAND_TABLE
    only = client.get("/api/v1/agreement?verdict=conditional", headers=admin).get_json()
    assert (only["evaluations"], only["decided"], only["agree"]) == (4, 4, 2)
    before = client.get("/api/v1/agreement?until=2000-01-01", headers=admin).get_json()
    assert before["evaluations"] == 0
    for query in ("since=yesterday", "limit=5"):
        bad = client.get(f"/api/v1/agreement?{query}", headers=admin)
        assert bad.status_code == 422 and bad.get_json()["error"]["errors"][0]["loc"][0] == \
            "query"


def test_the_command_line_agrees_with_the_api(app, client, runner, seeded):
    db = app.config["DATABASE"]
    api = client.get("/api/v1/agreement", headers=bearer(seeded)).get_json()
    as_json = runner.invoke(main, ["agreement", "--db", db, "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    assert json.loads(as_json.stdout) == api  # no token: the whole database, all one owner's
    rows = list(csv.reader(io.StringIO(runner.invoke(
        main, ["agreement", "--db", db, "--format", "csv"]).stdout)))
    assert rows[0] == ["verdict", "funded", "funded_with_conditions", "declined", "deferred",
                       "total"]
    assert rows[2] == ["conditional", "1", "2", "1", "0", "4"]
    assert rows[-1] == ["total", "1", "3", "3", "1", "8"]
    table = runner.invoke(main, ["agreement", "--db", db, "--since", "2000-01-01"]).output
    assert "9 evaluations, 8 with a decision" in table and "Agreement: 5 of 8" in table
    assert LEADS.lower() + ". (2)" in table
    other = runner.invoke(main, ["agreement", "--db", db, "--format", "json",
                                 "--token", make_token(app, "other")])
    assert json.loads(other.stdout)["evaluations"] == 0
    bad = runner.invoke(main, ["agreement", "--db", db, "--since", "soon"])
    assert bad.exit_code == 1 and "since" in bad.output


def test_the_agreement_page(app, client, seeded, officer):
    assert client.get("/agreement").status_code == 302  # signed out: to the sign-in page
    page = PageClient(client)
    page.sign_in(officer)  # the owner reads what their token stored
    html = page.get("/agreement").get_data(as_text=True)
    assert "The decision matched the verdict in 5 of 8" in html
    assert "<td>CO-07</td>" in html and "3 of 3" in html and "2 of 3" in html
    # of two wordings used once each, the first given names the group (the round is stored
    # in the examples' order: ilcop-paper-alternative before sepsis)
    assert f"{LEADS.lower()}. (2 times, in 2 wordings)" in html
    empty = page.get("/agreement?until=2000-01-01&since=nonsense").get_data(as_text=True)
    assert "0 applications screened" in empty and "No finding was set aside" in empty


def test_the_catalogue_shows_override_rates_only_when_asked(app, runner, rulebook, seeded):
    plain = runner.invoke(main, ["rules", "catalogue"])
    assert plain.stdout == render_catalogue(rulebook)  # the default (as docs/rules.md) as it was
    rated = runner.invoke(main, ["rules", "catalogue", "--db", app.config["DATABASE"]])
    assert rated.exit_code == 0, rated.output
    rows = {line.split(" | ")[0]: line for line in rated.stdout.splitlines()
            if line.startswith("| ")}
    assert rows["| CO-07"].endswith("| 3 of 3 (100%) |")
    assert rows["| CO-02"].endswith("| 2 of 3 (67%) |")
    assert rows["| PF-S1"].endswith("| 0 of 3 (0%) |")
    assert rows["| PF-02"].endswith("| not fired |")


def test_moves_toward_and_away_from_a_decision():
    assert move("conditional", "not_recommended", "declined") == "toward"
    assert move("conditional", "not_recommended", "funded_with_conditions") == "away"
    assert move("conditional", "recommended", "funded_with_conditions") == "away"  # to partly
    assert move("not_recommended", "conditional", "funded") == "toward"  # to partly
    assert move("conditional", "not_recommended", "deferred") == "neither"
    assert move("conditional", "conditional", "declined") == "unchanged"


def test_impact_splits_decided_verdicts_toward_and_away(runner, tmp_path, rules_copy, rulebook):
    """IM-05 made a blocker turns Sepsis (conditional) not recommended. Five copies of it
    and Michigan are stored; by hand: declined moves toward (1), funded with conditions and
    funded move away (2), deferred neither (1), Michigan unchanged (1), one copy undecided."""
    db = tmp_path / "round.db"
    sepsis = example("sepsis-bundle-emergency-departments")
    store = Store(db)
    try:
        ids = []
        for proposal in [sepsis] * 5 + [example("michigan-keystone")]:
            ev = evaluate(proposal, rulebook)
            store.save(ev, proposal, rulebook)
            ids.append(ev.id)
        chair = Decider(None, "chair", None)
        for ev_id, decision in zip(ids, ["declined", "funded_with_conditions", "funded",
                                         "deferred", None, "funded"], strict=True):
            if decision:
                add_decision(store, ev_id, DecisionInput(decision=decision, accept_all=True,
                                                              decided_by="P. Chair", reason="x"),
                             chair)
    finally:
        store.close()
    set_severity(rules_copy, "IM-05", "blocker")
    result = runner.invoke(main, ["rules", "impact", str(rules_copy), "--db", str(db),
                                  "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["changed_count"] == 5
    panel = report["panel"]
    assert panel["decided"] == 5
    assert [x["id"] for x in panel["toward"]] == [ids[0]]
    assert sorted(x["id"] for x in panel["away"]) == sorted([ids[1], ids[2]])
    assert [x["id"] for x in panel["neither"]] == [ids[3]]
    assert [x["id"] for x in panel["unchanged"]] == [ids[5]]
    assert panel["toward"][0] == {"id": ids[0], "title": panel["toward"][0]["title"],
                                  "old": "conditional", "new": "not_recommended",
                                  "decision": "declined", "rules": ["IM-05"]}
    table = runner.invoke(main, ["rules", "impact", str(rules_copy), "--db", str(db)]).output
    assert ("Of 5 evaluations with a panel decision: 1 would move toward it, 2 away from "
            "it, 1 neither, 1 unchanged") in table
