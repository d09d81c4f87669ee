"""Applications, versions and rounds (issue 24): one record per application, each evaluation
a version of it; uploads that change nothing store nothing; a round counts the current
version of each application; decisions that go against the verdict need a reason; one
refusal rule for empty proposals; exports with the same columns, typed in Excel."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from openpyxl import load_workbook

from ccrules.cli import main
from ccrules.report.export import EXPORT_HEADINGS
from ccrules.sheets.export import sheet
from ccrules.store.database import Store
from test_pages import form_data, submit

from helpers import ANSWERED, EXAMPLES, PageClient, example, make_token

SEPSIS = "sepsis-bundle-emergency-departments"


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def upload(pages: PageClient, name: str, data: bytes, **form: str):
    return pages.post("/evaluations/batch", {"proposal_files": [(io.BytesIO(data), name)],
                                             **form},
                      content_type="multipart/form-data",
                      headers={"Accept": "application/json"})


def count_rows(db: str) -> tuple[int, set[str]]:
    store = Store(db)
    try:
        ids = {r[0] for r in store.db.execute("select id from evaluations")}
        return len(ids), ids
    finally:
        store.close()


def new_round(client, headers, name="Spring 2027") -> str:
    r = client.post("/api/v1/rounds", json={"name": name, "opens": "2027-03-01",
                                            "closes": "2027-04-30"}, headers=headers)
    assert r.status_code == 201, r.get_json()
    return r.get_json()["id"]


# --- 1. applications and versions ------------------------------------------------------------

def test_a_sheet_uploaded_twice_leaves_the_round_unchanged(app, client, signed_in):
    names = ["ilcop", "michigan-keystone", SEPSIS]
    data = sheet([example(n) for n in names], "csv")
    first = upload(signed_in, "round.csv", data)
    assert first.status_code == 200 and first.get_json()["stored"] == {
        "new": 3, "changed": 0, "unchanged": 0}
    before = count_rows(app.config["DATABASE"])
    page = signed_in.get("/evaluations").get_data(as_text=True)
    again = upload(signed_in, "round.csv", data).get_json()
    assert again["stored"] == {"new": 0, "changed": 0, "unchanged": 3}
    assert [r["status"] for r in again["results"]] == ["unchanged"] * 3
    # the same evaluations, not one more: the answer names the ones already stored
    assert {r["id"] for r in again["results"]} == before[1]
    assert count_rows(app.config["DATABASE"]) == before
    assert signed_in.get("/evaluations").get_data(as_text=True).count(
        'class="verdict-chip') == page.count('class="verdict-chip')
    # a corrected sheet: one row changed is one new version, the others unchanged
    fixed = [example(n) for n in names]
    fixed[1]["measurement"]["baseline_months"] = 9
    third = upload(signed_in, "round.csv", sheet(fixed, "csv")).get_json()
    assert third["stored"] == {"new": 0, "changed": 1, "unchanged": 2}
    assert [r["version"] for r in third["results"]] == [1, 2, 1]
    assert "3 applications (the current version of each)" in signed_in.get(
        "/evaluations").get_data(as_text=True)


def test_an_edited_application_is_one_row_with_two_versions_and_a_diff(app, client,
                                                                        signed_in):
    r = submit(signed_in, form_data(example(SEPSIS)))
    first = r.headers["Location"].rsplit("/", 1)[1]
    form = signed_in.get(f"/?from={first}").get_data(as_text=True)
    application = re.search(r'name="application" value="([0-9a-f]+)"', form).group(1)
    edited = example(SEPSIS)
    edited["enrolment"]["local_lead_time_pct"] = 30
    r = submit(signed_in, {**form_data(edited), "application": application})
    assert r.status_code == 303
    second = r.headers["Location"].rsplit("/", 1)[1]
    assert second != first
    listing = signed_in.get("/evaluations").get_data(as_text=True)
    assert "1 application (the current version of each)" in listing
    assert f'/evaluations/{second}">' in listing and f'/evaluations/{first}">' not in listing
    assert "v2: earlier versions" in listing
    every = signed_in.get("/evaluations?versions=all").get_data(as_text=True)
    assert "2 evaluations, earlier versions included" in every and "(superseded)" in every
    result = " ".join(signed_in.get(f"/evaluations/{second}").get_data(as_text=True).split())
    assert "Version 2 of 2" in result and "by officer" in result
    change = re.search(r'<ul class="changes" id="changes">(.*?)</ul>', result).group(1)
    assert change == ("<li><strong>Local leads&#39; dedicated time</strong>: 0% of their time "
                      "&rarr; 30% of their time</li>")
    assert f'/evaluations/{first}#versions">v1</a>' in result
    # the API says the same: the history in order, and the change field by field
    token = make_token(app, "reader", admin=True)
    history = client.get(f"/api/v1/applications/{application}",
                         headers=bearer(token)).get_json()
    assert [(e["id"], e["version"], e["current"]) for e in history["evaluations"]] == [
        (first, 1, False), (second, 2, True)]
    assert history["evaluations"][1]["replaces"] == first
    changes = client.get(f"/api/v1/evaluations/{second}/changes",
                         headers=bearer(token)).get_json()
    assert changes["against"] == first and changes["changed_by"] == "officer"
    assert [(c["path"], c["before"], c["after"]) for c in changes["changes"]] == [
        ("enrolment.local_lead_time_pct", 0, 30)]


def test_a_proposal_without_a_reference_is_given_one_and_shown(app, client, auth):
    proposal = {k: v for k, v in example("ilcop").items() if k != "reference"}
    r = client.post("/api/v1/screenings", json={"proposals": [proposal]}, headers=auth)
    (item,) = r.get_json()["results"]
    history = client.get(f"/api/v1/applications/{item['application_id']}",
                         headers=auth).get_json()
    assert re.fullmatch(r"CC-[0-9A-F]{8}", history["reference"])
    assert history["reference_assigned"] is True
    listed = client.get("/api/v1/evaluations", headers=auth).get_json()["items"]
    assert [i["reference"] for i in listed] == [history["reference"]]
    # the same answers again: already screened (no reference to match, the answers do)
    again = client.post("/api/v1/screenings", json={"proposals": [proposal]}, headers=auth)
    assert again.get_json()["stored"]["unchanged"] == 1


# --- 2. rounds ---------------------------------------------------------------------------------

def test_a_round_counts_current_versions_and_keeps_its_access_rule(app, client):
    owner, other = make_token(app, "owner"), make_token(app, "other")
    admin = make_token(app, "admin", admin=True)
    spring = new_round(client, bearer(owner))
    r = client.post("/api/v1/screenings", json={"round": spring, "proposals": [
        example("ilcop"), example("michigan-keystone")]}, headers=bearer(owner))
    assert r.status_code == 200
    changed = example("ilcop")
    changed["summary"] = "Rewritten after the panel's questions."
    assert client.post("/api/v1/evaluations", json={"proposal": changed, "round": spring},
                       headers=bearer(owner)).status_code == 201
    got = client.get(f"/api/v1/rounds/{spring}", headers=bearer(owner)).get_json()
    assert got["applications"] == 2 and sum(got["counts"].values()) == 2
    listing = client.get(f"/api/v1/evaluations?round={spring}", headers=bearer(owner))
    assert listing.get_json()["total"] == 2
    everything = client.get(f"/api/v1/evaluations?round={spring}&versions=all",
                            headers=bearer(owner)).get_json()
    assert everything["total"] == 3
    # another token: the round, its applications and its listing do not exist for it
    assert client.get(f"/api/v1/rounds/{spring}", headers=bearer(other)).status_code == 404
    app_id = r.get_json()["results"][0]["application_id"]
    assert client.get(f"/api/v1/applications/{app_id}",
                      headers=bearer(other)).status_code == 404
    assert client.get("/api/v1/rounds", headers=bearer(other)).get_json()["rounds"] == []
    assert client.get(f"/api/v1/evaluations?round={spring}",
                      headers=bearer(other)).get_json()["total"] == 0
    refused = client.post("/api/v1/screenings", json={"round": spring, "proposals": [
        example(SEPSIS)]}, headers=bearer(other))
    assert refused.status_code == 422 and refused.get_json()["error"]["errors"][0]["loc"] == [
        "round"]
    assert client.get(f"/api/v1/rounds/{spring}", headers=bearer(admin)).status_code == 200
    # closed: it takes no more applications, and says so
    closed = client.post(f"/api/v1/rounds/{spring}/close", headers=bearer(owner)).get_json()
    assert closed["open"] is False
    late = client.post("/api/v1/evaluations", json={"proposal": example(SEPSIS),
                                                    "round": spring}, headers=bearer(owner))
    assert late.status_code == 422 and "closed" in late.get_json()["error"]["detail"]
    assert client.put(f"/api/v1/applications/{app_id}/round", json={"round": spring},
                      headers=bearer(owner)).status_code == 409


def test_a_bad_round_is_refused_in_the_error_shape(client, auth):
    r = client.post("/api/v1/rounds", json={"name": " ", "opens": "2027-05-01",
                                            "closes": "2027-04-01"}, headers=auth)
    assert r.status_code == 422
    body = r.get_json()
    assert set(body) == {"error"} and body["error"]["errors"]
    r = client.post("/api/v1/rounds", json={"name": "x", "opens": 0, "closes": "2027-04-01"},
                    headers=auth)
    assert r.status_code == 422 and r.get_json()["error"]["errors"][0]["loc"] == ["opens"]
    assert client.get("/api/v1/rounds/nope", headers=auth).status_code == 404


def test_the_round_page_creates_rounds_and_uploads_into_one(app, signed_in):
    r = signed_in.post("/rounds", {"name": "Autumn 2027", "opens": "2027-09-01",
                                   "closes": "2027-10-31"})
    assert r.status_code == 303
    round_id = r.headers["Location"].rsplit("=", 1)[1]
    bad = signed_in.post("/rounds", {"name": "x", "opens": "2027-09-01",
                                     "closes": "2027-01-01"})
    assert bad.status_code == 422 and "close on or after" in bad.get_data(as_text=True)
    up = upload(signed_in, "two.csv", sheet([example("ilcop"), example(SEPSIS)], "csv"),
                round=round_id)
    assert up.status_code == 200
    submit(signed_in, form_data(example("michigan-keystone")))  # in no round
    page = signed_in.get(f"/evaluations?round={round_id}").get_data(as_text=True)
    assert "<h1>Autumn 2027</h1>" in page and "2 applications" in page
    assert "Michigan" not in page.split("<tbody>")[1].split("</tbody>")[0]
    listed = signed_in.get("/rounds").get_data(as_text=True)
    assert "Autumn 2027" in listed and re.search(r'<td class="num">2</td>', listed)


def test_the_command_line_runs_rounds(runner, tmp_path):
    db = str(tmp_path / "cli.db")
    made = runner.invoke(main, ["round", "create", "Spring 2027", "--opens", "2027-03-01",
                                "--closes", "2027-04-30", "--db", db, "--format", "json"])
    assert made.exit_code == 0, made.output
    files = [str(EXAMPLES / f"{n}.json") for n in ("ilcop", SEPSIS)]
    first = runner.invoke(main, ["screen", *files, "--store", "--round", "Spring 2027",
                                 "--db", db])
    assert first.exit_code == 0 and "Stored: 2 new, 0 changed" in first.output
    again = runner.invoke(main, ["screen", *files, "--store", "--round", "Spring 2027",
                                 "--db", db])
    assert "2 unchanged (already screened, not stored again)" in again.output
    listed = json.loads(runner.invoke(main, ["round", "list", "--db", db, "--format",
                                             "json"]).stdout)
    assert [(r["name"], r["applications"], r["open"]) for r in listed] == [
        ("Spring 2027", 2, True)]
    closed = runner.invoke(main, ["round", "close", "Spring 2027", "--db", db])
    assert closed.exit_code == 0 and "Closed round" in closed.output
    late = runner.invoke(main, ["screen", files[0], "--store", "--round", "Spring 2027",
                                "--db", db])
    assert late.exit_code == 1 and "takes no more applications" in late.output
    bad = runner.invoke(main, ["round", "create", "x", "--opens", "2027-05-01", "--closes",
                               "2027-04-01", "--db", db])
    assert bad.exit_code == 1 and "close on or after" in bad.output
    assert runner.invoke(main, ["screen", files[0], "--round", "x"]).exit_code == 1


def test_the_command_line_moves_applications_into_a_round(runner, tmp_path):
    db = str(tmp_path / "cli.db")
    for name in ("Spring 2027", "Autumn 2027"):
        assert runner.invoke(main, ["round", "create", name, "--opens", "2027-03-01",
                                    "--closes", "2027-10-30", "--db", db]).exit_code == 0
    files = [str(EXAMPLES / f"{n}.json") for n in ("ilcop", SEPSIS)]
    assert runner.invoke(main, ["screen", *files, "--store", "--round", "Spring 2027",
                                "--db", db]).exit_code == 0
    reference = example("ilcop")["reference"]
    moved = runner.invoke(main, ["round", "add", "Autumn 2027", reference, "--db", db])
    assert moved.exit_code == 0 and "Moved 1 application into round 'Autumn 2027'" in \
        moved.output, moved.output
    listed = {r["name"]: r["applications"] for r in json.loads(runner.invoke(
        main, ["round", "list", "--db", db, "--format", "json"]).stdout)}
    assert listed == {"Spring 2027": 1, "Autumn 2027": 1}
    unknown = runner.invoke(main, ["round", "add", "Autumn 2027", reference, "NO-SUCH-REF",
                                   "--db", db])
    assert unknown.exit_code == 1 and "NO-SUCH-REF" in unknown.output  # all or none moved
    assert runner.invoke(main, ["round", "close", "Autumn 2027", "--db", db]).exit_code == 0
    late = runner.invoke(main, ["round", "add", "Autumn 2027", reference, "--db", db])
    assert late.exit_code == 1 and "takes no more applications" in late.output


# --- 2. the agreement over current versions ----------------------------------------------------

def test_the_agreement_of_a_round_with_re_evaluations_counts_current_versions(app, client):
    token = make_token(app, "officer")
    spring = new_round(client, bearer(token))

    def evaluate(proposal) -> str:
        r = client.post("/api/v1/evaluations", json={"proposal": proposal, "round": spring},
                        headers=bearer(token))
        assert r.status_code == 201
        return r.get_json()["id"]

    def decide(ev: str, decision: str, **more) -> None:
        r = client.post(f"/api/v1/evaluations/{ev}/decisions", json={
            "decision": decision, "accept_all": True, "decided_by": "P. Chair", **more},
            headers=bearer(token))
        assert r.status_code == 201, r.get_json()

    keystone = evaluate(example("michigan-keystone"))
    decide(keystone, "funded")  # agree
    old_ilcop = evaluate(example("ilcop"))
    decide(old_ilcop, "declined")  # agree, but superseded below
    new_ilcop = evaluate({**example("ilcop"), "summary": "Revised."})
    decide(new_ilcop, "funded", reason="The revision answers the panel.")  # disagree
    sepsis = evaluate(example(SEPSIS))
    evaluate(example(SEPSIS))  # evaluated again, unchanged: the later one is current
    decide(sepsis, "funded_with_conditions")  # on the earlier copy: not counted
    report = client.get(f"/api/v1/agreement?round={spring}", headers=bearer(token)).get_json()
    # by hand, over current versions: keystone (funded: agree), the new ilcop (funded
    # against not recommended: disagree), the later sepsis (no decision)
    assert (report["evaluations"], report["decided"], report["agree"], report["disagree"]) \
        == (3, 2, 1, 1)
    assert report["table"]["recommended"]["funded"] == 1
    assert report["table"]["not_recommended"]["funded"] == 1
    assert report["table"]["not_recommended"]["declined"] == 0


# --- 3. decisions that fit the verdict --------------------------------------------------------

def test_a_decision_against_the_verdict_needs_a_reason_and_names_its_person(app, client,
                                                                             signed_in):
    r = submit(signed_in, form_data(example("ilcop")))  # not recommended, with a blocker
    location = r.headers["Location"]
    token = signed_in.csrf(location)
    funded = signed_in.client.post(location + "/decision", data={
        "csrf_token": token, "decision": "funded", "decided_by": "P. Chair"})
    assert funded.status_code == 422
    assert "goes against the verdict" in funded.get_data(as_text=True)
    page = signed_in.get(location).get_data(as_text=True)  # a signed-in person: their name
    assert 'name="decided_by"' not in page and "Recorded as officer." in page
    named = signed_in.client.post(location + "/decision", data={
        "csrf_token": token, "decision": "declined", "decided_by": "Someone Else"})
    assert named.status_code == 303  # a name typed in is not who is signed in: ignored
    shown = signed_in.get(location).get_data(as_text=True)
    assert "recorded by officer" in shown and "Someone Else" not in shown
    ok = signed_in.client.post(location + "/decision", data={
        "csrf_token": token, "decision": "funded", "decided_by": "P. Chair",
        "reason": "A national programme now funds the lead time."})
    assert ok.status_code == 303
    page = " ".join(signed_in.get(location).get_data(as_text=True).split())
    assert "recorded by officer" in page and "P. Chair" not in page
    assert "Reason: A national programme now funds the lead time." in page
    assert "Record a new decision (it supersedes this one)" in page
    md = signed_in.get(location + ".md").get_data(as_text=True)
    assert "## The panel's decision" in md and "**Funded**, recorded by officer" in md


# --- 4. exports a panel can use ---------------------------------------------------------------

def test_the_exports_carry_the_same_columns_and_excel_types_its_cells(app, signed_in):
    r = submit(signed_in, form_data({**example(SEPSIS), "title": "=HYPERLINK(\"x\")"}))
    location = r.headers["Location"]
    signed_in.client.post(location + "/decision", data={
        "csrf_token": signed_in.csrf(location), "decision": "funded_with_conditions",
        "decided_by": "P. Chair"})
    text = signed_in.get("/evaluations.csv").get_data(as_text=True)
    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert list(row) == EXPORT_HEADINGS
    assert row["Title"] == "'=HYPERLINK(\"x\")"  # the CSV keeps its guard
    assert row["Panel decision"] == "funded with conditions" and row["Version"] == "1"
    assert row["Conditions of award"].startswith("1. ") and row["Completeness"].endswith("%")
    book = load_workbook(io.BytesIO(signed_in.get("/evaluations.xlsx").data))
    ws = book["Results"]
    header = [c.value for c in ws[1]]
    assert header == EXPORT_HEADINGS
    cells = dict(zip(header, ws[2], strict=True))
    assert cells["Completeness"].data_type == "n" and cells["Completeness"].number_format \
        == "0%" and 0 < cells["Completeness"].value <= 1
    assert cells["Evaluated"].is_date and cells["Evaluated"].value.year >= 2026
    assert cells["Version"].value == 1 and cells["Blockers"].data_type == "n"
    assert cells["Title"].value == "=HYPERLINK(\"x\")" and cells["Title"].data_type == "s"
    assert cells["Panel decision"].value == "funded with conditions"
    findings = list(book["Findings"].iter_rows(min_row=2, values_only=True))
    assert "CO-07" in {f[3] for f in findings}
    md = signed_in.get("/evaluations/report.md").get_data(as_text=True)
    assert "| " + " | ".join(EXPORT_HEADINGS) + " |" in md
    assert "funded with conditions" in md and "**Funded with conditions**" in md


# --- 5. one refusal rule ----------------------------------------------------------------------

EMPTY = {"title": "A title", "summary": "And a summary, nothing else."}


def test_an_empty_proposal_is_refused_everywhere_and_nothing_stored(app, client, auth,
                                                                    signed_in, runner,
                                                                    tmp_path):
    r = client.post("/api/v1/evaluations", json={"proposal": EMPTY}, headers=auth)
    assert r.status_code == 422 and "The proposal is empty" in r.get_json()["error"]["detail"]
    r = client.post("/api/v1/screenings", json={"proposals": [ANSWERED, EMPTY]},
                    headers=auth)
    assert r.status_code == 422 and r.get_json()["error"]["errors"][0]["loc"] == [
        "proposals", 1]
    form = submit(signed_in, form_data(EMPTY))
    assert form.status_code == 422 and "The proposal is empty" in form.get_data(as_text=True)
    sheet_upload = upload(signed_in, "thin.csv", sheet([example("ilcop"), EMPTY], "csv"))
    assert sheet_upload.status_code == 422
    assert "The proposal is empty" in json.dumps(sheet_upload.get_json())
    assert count_rows(app.config["DATABASE"])[0] == 0
    path = tmp_path / "empty.json"
    path.write_text(json.dumps(EMPTY))
    cli = runner.invoke(main, ["evaluate", str(path)])
    assert cli.exit_code == 1 and "The proposal is empty" in cli.output
    db = str(tmp_path / "cli.db")
    stored = runner.invoke(main, ["screen", str(path), "--store", "--db", db])
    assert stored.exit_code == 1 and count_rows(db)[0] == 0


@pytest.mark.parametrize("extra", [{"reference": "R-1"}, {"applicant": "A trust"}])
def test_identity_alone_is_still_empty(client, auth, extra):
    r = client.post("/api/v1/evaluations", json={"proposal": {**EMPTY, **extra}},
                    headers=auth)
    assert r.status_code == 422
