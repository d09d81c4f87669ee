"""The pages through Flask's test client, signed in as a programme officer: the form round
trip (with errors, and the input kept), the result page, batch upload (counts and order),
the round's filters and its CSV export. The browser tests keep JavaScript, CSP and print."""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from datetime import datetime, timezone

import pytest

from ccrules.proposal import kinds as K
from ccrules.proposal.fields import catalogue
from ccrules.report.export import EXPORT_HEADINGS
from ccrules.report.text import render_text
from ccrules.screening.evaluate import evaluate
from ccrules.store import Store

from helpers import PageClient, example, make_token

NONE = ".__none"


def form_data(proposal: dict, prefix: str = "") -> dict:
    """A proposal as the form would send it: selects, checkboxes, one item per line."""
    kinds = {path: info.kind for path, info in catalogue().items()}
    data: dict = {}
    for key, value in proposal.items():
        path = prefix + key
        if isinstance(value, dict):
            data.update(form_data(value, path + "."))
        elif kinds[path] is K.CHOICES:
            data[path] = value if value else []
            if not value:
                data[path + NONE] = "1"
        elif kinds[path] is K.NAMES:
            data[path] = "\n".join(value)
            if not value:
                data[path + NONE] = "1"
        elif kinds[path] is K.MENU_OPTIONS:  # the menu: one row of inputs per option
            for i, option in enumerate(value):
                data[f"{path}.{i}.name"] = option["name"]
                if option.get("evidence_base"):
                    data[f"{path}.{i}.evidence_base"] = option["evidence_base"]
                data[f"{path}.{i}.measures"] = "\n".join(option.get("measures") or [])
            if not value:
                data[path + NONE] = "1"
        elif isinstance(value, bool):
            data[path] = "true" if value else "false"
        else:
            data[path] = str(value)
    return data


def submit(pages: PageClient, data: dict):
    return pages.post("/evaluations/new", data)


# --- signing in ------------------------------------------------------------------------------

def test_pages_need_a_session_and_sign_in_returns_to_the_page(app, client):
    pages = PageClient(client)
    r = client.get("/evaluations?verdict=conditional")
    assert r.status_code == 302 and "/signin?next=" in r.headers["Location"]
    bad = client.post("/signin", data={"token": "ccr_nope", "csrf_token": pages.csrf("/signin")})
    assert bad.status_code == 401 and "A valid API token is required" in bad.get_data(True)
    r = client.post("/signin?next=/evaluations", data={
        "token": make_token(app), "csrf_token": pages.csrf("/signin")})
    assert r.status_code == 302 and r.headers["Location"] == "/evaluations"


def test_a_form_post_without_its_csrf_token_is_refused(signed_in):
    r = signed_in.client.post("/evaluations/new", data={"title": "x"})
    assert r.status_code == 400 and "The form has expired" in r.get_data(as_text=True)


# --- the form --------------------------------------------------------------------------------

def test_the_form_round_trip_gives_the_verdict_the_library_gives(signed_in, rulebook):
    r = submit(signed_in, form_data(example("ilcop")))
    assert r.status_code == 303
    page = signed_in.get(r.headers["Location"]).get_data(as_text=True)
    assert '<p class="verdict verdict-not_recommended" id="verdict">Not recommended</p>' in page
    for rule in ("PF-01", "PF-05", "IM-06"):
        assert f'id="finding-{rule}"' in page
    assert '<h2 id="brief_resubmit-h">If resubmitted</h2>' in page
    assert page.index('id="brief"') < page.index('id="appendix"')
    assert "Conditions of award" not in page  # not for a not-recommended proposal
    expected = evaluate(example("ilcop"), rulebook)
    assert [f.rule_id for f in expected.findings] == re.findall(r'id="finding-([A-Z0-9-]+)"',
                                                                 page)


@pytest.mark.parametrize("share, shown", [(0.57, "57%"), (0.29, "29%"), (0.575, "57%")])
def test_the_result_page_rounds_the_percentage_as_the_reports_do(app, signed_in, rulebook,
                                                                  share, shown):
    ev = evaluate(example("michigan-keystone"), rulebook).model_copy(
        update={"completeness": share})
    store = Store(app.config["DATABASE"])
    try:
        owner = store.db.execute("select id from tokens where name = 'officer'").fetchone()[0]
        store.save(ev, {}, rulebook, owner=owner)
    finally:
        store.close()
    page = signed_in.get(f"/evaluations/{ev.id}").get_data(as_text=True)
    assert f"completeness {shown}" in page and f"completeness {shown}" in render_text(ev)


def test_a_fault_shows_the_form_again_as_it_was_sent(signed_in):
    data = form_data(example("ilcop"))
    data["community.calls_per_month"] = "often"
    r = submit(signed_in, data)
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and 'id="proposal-form"' in page
    assert "Community calls a month</a>: needs a number, not &#39;often&#39;" in page
    assert 'value="often"' in page  # what was typed is kept
    assert 'value="Improving Lung Cancer Outcomes Project (as run)"' in page
    assert 'value="locally_designed" selected' in page


def test_a_menu_option_without_a_name_keeps_the_form_and_names_the_row(signed_in):
    data = {"title": "Keep me", "intervention.menu_options.0.name": "Early CT",
            "intervention.menu_options.0.evidence_base": "strong",
            "intervention.menu_options.1.evidence_base": "emerging",
            "problem.evidence_base": "none"}
    r = submit(signed_in, data)
    page = r.get_data(as_text=True)
    assert r.status_code == 422
    assert 'id="proposal-form"' in page, "the form must come back, not an error page"
    assert 'value="Keep me"' in page and 'value="Early CT"' in page
    assert 'value="none" selected' in page and 'value="emerging" selected' in page
    assert "give the option a name" in page


def test_the_menu_rows_make_the_options(signed_in, rulebook):
    proposal = example("ilcop-paper-alternative")
    r = submit(signed_in, form_data(proposal))
    assert r.status_code == 303
    stored = signed_in.get(r.headers["Location"] + ".json").get_json()
    assert stored["verdict"] == evaluate(proposal, rulebook).verdict.value
    page = signed_in.get("/?from=" + stored["id"]).get_data(as_text=True)
    first = proposal["intervention"]["menu_options"][0]["name"]
    assert f'value="{first}"' in page  # edit and re-evaluate: the form comes back filled


def test_a_file_that_is_not_json_is_reported_on_the_form(signed_in):
    r = signed_in.post("/evaluations/new", {
        "proposal_file": (io.BytesIO(b"{nope"), "draft.json")},
        content_type="multipart/form-data")
    assert r.status_code == 422 and "draft.json: not valid JSON" in r.get_data(as_text=True)


# --- results as JSON and Markdown ------------------------------------------------------------

def test_result_as_json_and_markdown_and_only_for_its_owner(app, signed_in, client):
    r = submit(signed_in, form_data(example("michigan-keystone")))
    url = r.headers["Location"]
    data = signed_in.get(url + ".json").get_json()
    assert data["verdict"] == "recommended"
    md = signed_in.get(url + ".md").get_data(as_text=True)
    assert md.startswith("# Michigan Keystone ICU") and "**Verdict: recommended**" in md
    other = PageClient(app.test_client())
    other.sign_in(make_token(app, "someone else"))
    assert other.get(url).status_code == 404 and other.get(url + ".json").status_code == 404


# --- batch upload ----------------------------------------------------------------------------

def upload(pages: PageClient, files: list[tuple[str, bytes]], as_json: bool = True):
    return pages.post("/evaluations/batch", {"proposal_files": [
        (io.BytesIO(content), name) for name, content in files]},
        content_type="multipart/form-data",
        headers={"Accept": "application/json"} if as_json else {})


def test_a_batch_upload_is_all_or_nothing_and_names_every_fault(signed_in):
    good = [("ilcop.json", json.dumps(example("ilcop")).encode()),
            ("michigan.json", json.dumps(example("michigan-keystone")).encode())]
    files = [good[0], ("bad.json", b"{not json"),
             ("invalid.json", b'{"problem": {"scope": "galactic"}}'), good[1]]
    r = upload(signed_in, files)
    assert r.status_code == 422
    faults = {tuple(e["loc"][:2]): e["msg"] for e in r.get_json()["error"]["errors"]}
    assert set(faults) == {("proposals", 1), ("proposals", 2)}
    assert "none was stored" in r.get_json()["error"]["detail"]
    assert "0 applications" in signed_in.get("/evaluations").get_data(as_text=True)
    body = upload(signed_in, good).get_json()  # the valid ones alone are stored
    assert [row["name"] for row in body["results"]] == ["ilcop.json", "michigan.json"]
    assert body["counts"]["not_recommended"] == 1 and body["counts"]["recommended"] == 1
    assert body["stored"] == {"new": 2, "changed": 0, "unchanged": 0}
    assert "2 applications" in signed_in.get("/evaluations").get_data(as_text=True)


def test_batch_upload_as_a_plain_form_reports_on_the_round_page(signed_in):
    r = upload(signed_in, [("bad.json", b"[")], as_json=False)
    assert r.status_code == 303
    page = signed_in.get("/evaluations").get_data(as_text=True)
    assert "Nothing was stored" in page and "Refused: bad.json" in page
    assert "bad.json: not valid JSON" in page


def test_batch_upload_without_files_is_a_clear_message(signed_in):
    r = signed_in.post("/evaluations/batch", {}, content_type="multipart/form-data")
    assert r.status_code == 303
    page = signed_in.get(r.headers["Location"]).get_data(as_text=True)
    assert "Choose one or more proposal files" in page and "nothing was stored" in page


# --- the round: filters, sorting, CSV --------------------------------------------------------

@pytest.fixture
def round_of_examples(app, signed_in):
    for name in ("ilcop", "michigan-keystone", "ilcop-redesigned"):
        assert submit(signed_in, form_data(example(name))).status_code == 303
    return signed_in


def test_round_filters_by_text_and_verdict_and_ignores_bad_values(round_of_examples):
    pages = round_of_examples
    page = pages.get("/evaluations?q=lung&verdict=conditional").get_data(as_text=True)
    assert "1 application" in page and "redesigned" in page
    page = pages.get("/evaluations?since=yesterday&verdict=maybe&sort=evil").get_data(True)
    assert "3 applications" in page  # bad values are ignored, not an error page
    page = pages.get("/evaluations?sort=title&dir=asc").get_data(as_text=True)
    titles = re.findall(r'<a href="/evaluations/[0-9a-f]+">([^<]+)</a>', page)
    assert titles == sorted(titles) and len(titles) == 3


def test_csv_export_follows_the_filters(round_of_examples):
    text = round_of_examples.get("/evaluations.csv?verdict=not_recommended").get_data(True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == EXPORT_HEADINGS  # the same columns as the Excel and Markdown
    assert [r["Verdict"] for r in rows] == ["not recommended"]
    assert rows[0]["Title"].startswith("Improving Lung Cancer Outcomes Project")
    assert rows[0]["Verdict range"] == "not recommended" and rows[0]["Blockers"] == "1"
    # relative (no CCRULES_BASE_URL here): never built from the request's Host header
    assert re.fullmatch(r"/evaluations/[0-9a-f]{32}", rows[0]["Link"])
    assert rows[0]["Version"] == "1" and rows[0]["Panel decision"] == ""


def test_csv_export_has_every_row_past_ten_thousand(app, signed_in):
    owner = signed_in.get("/evaluations")  # signed in; find our token id from the session
    assert owner.status_code == 200
    store = Store(app.config["DATABASE"])
    try:
        token_id = store.db.execute("select id from tokens where name = 'officer'").fetchone()[0]
        version = store.db.execute("select version from rulesets").fetchone()[0]
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        ids = [uuid.uuid4().hex for _ in range(10_050)]
        with store.db.conn:
            store.db.conn.executemany(
                "insert into evaluations (id, created_at, verdict, title, reference, "
                "ruleset_version, owner, current) values (?, ?, ?, ?, ?, ?, ?, 1)",
                [(ident, now, "recommended", f"P{i}", None, version, token_id)
                 for i, ident in enumerate(ids)])
            store.db.conn.executemany("insert into evaluation_bodies (id, proposal, result) "
                                      "values (?, '{}', '{}')", [(i,) for i in ids])
    finally:
        store.close()
    text = signed_in.get("/evaluations.csv").get_data(as_text=True)
    assert len(list(csv.DictReader(io.StringIO(text)))) == 10_050


# --- issue 15: what a programme officer meets on the pages ---------------------------------

def stored_count(app) -> int:
    store = Store(app.config["DATABASE"])
    try:
        return store.count()
    finally:
        store.close()


def test_an_empty_form_is_refused_and_nothing_stored(app, signed_in):
    r = submit(signed_in, {"title": "Only a title"})
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert "The proposal is empty" in page and 'value="Only a title"' in page
    assert stored_count(app) == 0


def test_evaluate_file_without_a_file_is_refused_and_nothing_stored(app, signed_in):
    r = signed_in.post("/evaluations/new", {"proposal_file": (io.BytesIO(b""), "")})
    assert r.status_code == 422
    assert "Choose a proposal file" in r.get_data(as_text=True)
    assert stored_count(app) == 0


def test_cross_field_checks_name_the_field_in_words(app, signed_in):
    r = submit(signed_in, {"context.sites_eligible": "10", "context.sites_enrolled": "12",
                           "community.face_to_face_meetings_per_year": "1",
                           "community.residential_meetings_per_year": "2"})
    page = r.get_data(as_text=True)
    assert r.status_code == 422 and stored_count(app) == 0
    assert "Sites enrolled</a>: 12 sites enrolled is more than the 10 eligible" in page
    assert "Residential meetings a year</a>: 2 residential meetings a year" in page


def test_the_form_shows_labels_and_words_not_identifiers(signed_in):
    page = signed_in.get("/").get_data(as_text=True)
    assert "Local leads&#39; dedicated time" in page and "Paid staff fte" not in page
    assert ">a chief executive&#39;s sign-off only</option>" in page
    assert "ceo_signoff</option>" not in page and "JSON list" not in page
    assert page.count('class="repeat"') == 30  # rows for menu options, up to the limit
    assert page.index('class="more-options"') > page.index('id="option-2"')  # 3 in view
    jump = re.findall(r'<li><a href="#group-(\w+)">', page)
    assert jump[0] == "about" and "community" in jump and len(jump) == 8


def test_the_result_page_opens_with_the_brief_and_offers_next_steps(signed_in):
    r = submit(signed_in, form_data(example("ilcop-paper-alternative")))
    location = r.headers["Location"]
    page = signed_in.get(location).get_data(as_text=True)
    brief = page[page.index('id="brief"'):page.index('id="appendix"')]
    assert '<h2 id="brief_conditions-h">Conditions of award</h2>' in brief
    assert brief.count("Before the award is confirmed, the applicant must:") == 1
    assert "Make enrolment conditional on minimum commitments from each site" in brief
    assert 'id="edit"' in page and 'id="print"' in page and 'id="whatif"' in page
    meta = re.search(r'<p class="meta" id="meta">([^<]+)</p>', page).group(1)
    assert example("ilcop-paper-alternative")["applicant"] in meta
    assert re.search(r"evaluated \d{1,2} [A-Z][a-z]{2} \d{4}, \d\d:\d\d UTC", meta)
    for legend in ("missed", "met", "cannot tell yet"):
        assert f'class="chart-label">{legend}</text>' in page


def test_what_if_shows_the_change_beside_the_stored_verdict(app, signed_in):
    r = submit(signed_in, form_data(example("michigan-keystone")))
    location = r.headers["Location"]
    before = stored_count(app)
    page = signed_in.get(location + "/what-if?field=enrolment.data_submission&value="
                         "voluntary").get_data(as_text=True)
    assert "Changes: Data submission: voluntary" in page
    assert "<td>recommended</td><td>conditional</td>" in page.replace("\n", "")
    assert stored_count(app) == before  # nothing stored
    bad = signed_in.get(location + "/what-if?field=enrolment.data_submission&value=maybe")
    assert bad.status_code == 422
    assert "Data submission: &#39;maybe&#39; is not one of" in bad.get_data(as_text=True)


def test_the_panel_decision_from_the_result_page(app, signed_in):
    r = submit(signed_in, form_data(example("sepsis-bundle-emergency-departments")))
    location = r.headers["Location"]
    page = signed_in.get(location).get_data(as_text=True)
    assert "No decision recorded yet" in page
    token = signed_in.csrf(location)
    post = signed_in.client.post(location + "/decision", data={
        "csrf_token": token, "decision": "funded_with_conditions", "set_aside": "CO-07",
        "decided_by": "P. Chair"})
    assert post.status_code == 422  # a set-aside finding needs its reason
    assert "a reason is required" in post.get_data(as_text=True)
    store = Store(app.config["DATABASE"])
    try:
        assert store.db.execute("select count(*) from decisions").fetchone()[0] == 0
    finally:
        store.close()
    ok = signed_in.client.post(location + "/decision", data={
        "csrf_token": token, "decision": "funded_with_conditions", "set_aside": "CO-07",
        "reason.CO-07": "Sites already fund lead time from a national scheme",
        "decided_by": "P. Chair"})
    assert ok.status_code == 303
    page = signed_in.get(location).get_data(as_text=True)
    assert "<strong>Funded with conditions</strong>" in page and "(agree with the verdict)" in \
        " ".join(page.split())
    assert "Sites already fund lead time from a national scheme" in page


def test_the_round_report_in_markdown_follows_the_officers_order(round_of_examples):
    text = round_of_examples.get("/evaluations/report.md?sort=title&dir=asc").get_data(True)
    titles = re.findall(r"^## (.+?)(?: \\\[.*\\\])?$", text, flags=re.M)
    titles = [t for t in titles if t != "The panel's decision"]
    assert text.count("## The panel's decision") == 3  # each brief says it (none yet)
    assert len(titles) == 3 and titles == sorted(titles)
    assert text.count('<div style="page-break-before: always"></div>') == 3
    assert re.findall(r"page (\d) of 4\._$", text, flags=re.M) == ["2", "3", "4"]
    assert "| not recommended | 1 |" in text and "| conditional | 1 |" in text
    html = round_of_examples.get("/evaluations/report?verdict=conditional").get_data(True)
    assert html.count('class="round-page"') == 1


def test_the_round_report_shows_only_what_the_token_may_read(app, round_of_examples):
    other = PageClient(app.test_client())
    other.sign_in(make_token(app, "another officer"))
    text = other.get("/evaluations/report.md").get_data(as_text=True)
    assert "0 proposals" in text and "page-break" not in text


def test_another_token_can_neither_see_nor_decide_an_evaluation_from_the_pages(app,
                                                                              signed_in):
    r = submit(signed_in, form_data(example("michigan-keystone")))
    location = r.headers["Location"]
    other = PageClient(app.test_client())
    other.sign_in(make_token(app, "another officer"))
    assert other.get(location).status_code == 404
    token = other.csrf("/")
    post = other.client.post(location + "/decision", data={
        "csrf_token": token, "decision": "funded"})
    assert post.status_code == 404
    store = Store(app.config["DATABASE"])
    try:
        assert store.db.execute("select count(*) from decisions").fetchone()[0] == 0
    finally:
        store.close()
