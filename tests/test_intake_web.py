"""POST /api/v1/intake (a document in, suggestions out, nothing stored) and the page
"Start from the application document": the form pre-filled with suggestions marked as
suggested; only the answers the officer accepts or edits reach the evaluation, each with
its quotation; documents that cannot be read get a clear message and store nothing."""

import html
import io
import re

import pytest
from bench.intake import write_pdf
from pypdf import PdfWriter

from ccrules.store import Store

from helpers import ROOT

APPLICATIONS = ROOT / "tests" / "intake" / "applications"
MATERNITY = (APPLICATIONS / "05-maternity-pph.md").read_text(encoding="utf-8")


def stored(app) -> int:
    store = Store(app.config["DATABASE"])
    try:
        return store.count()
    finally:
        store.close()


@pytest.fixture
def pdf(tmp_path):
    path = tmp_path / "maternity.pdf"
    write_pdf(path, [p for p in MATERNITY.split("\n\n")], wrap=True)
    return path.read_bytes()


def encrypted(data: bytes) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(data))
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_the_api_suggests_from_pasted_text_and_stores_nothing(app, client, auth):
    before = stored(app)
    r = client.post("/api/v1/intake", json={"text": MATERNITY, "name": "maternity"},
                    headers=auth)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["document"] == {"name": "maternity", "kind": "text", "pages": None,
                                "characters": body["document"]["characters"],
                                "paragraphs": body["document"]["paragraphs"]}
    fields = {s["field"]: s for s in body["suggestions"]}
    exit_rule = fields["enrolment.data_submission"]
    assert exit_rule["value"] == "mandatory_with_exit" and exit_rule["status"] == "suggested"
    assert exit_rule["quotes"][0]["text"].startswith("Sending data monthly is mandatory")
    assert "at most 80 pages" in body["limits"]
    assert stored(app) == before


@pytest.mark.parametrize("how", ["multipart", "raw"])
def test_the_api_reads_a_pdf_sent_as_a_file_or_as_the_body(client, auth, pdf, how):
    if how == "multipart":
        r = client.post("/api/v1/intake", headers=auth, content_type="multipart/form-data",
                        data={"document": (io.BytesIO(pdf), "maternity.pdf")})
    else:
        r = client.post("/api/v1/intake?name=maternity.pdf", headers={
            **auth, "Content-Type": "application/pdf"}, data=pdf)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["document"]["kind"] == "pdf" and body["document"]["name"] == "maternity.pdf"
    quotes = [q for s in body["suggestions"] for q in s["quotes"]]
    assert quotes and all(q["page"] == 1 for q in quotes)


def assert_error_shape(r, status: int, detail: str) -> None:
    assert r.status_code == status
    body = r.get_json()
    assert set(body) == {"error"} and body["error"]["status"] == status
    assert set(body["error"]) == {"status", "title", "detail", "errors"}
    assert re.search(detail, body["error"]["detail"]), body


@pytest.mark.parametrize("name, make, status, detail", [
    ("locked.pdf", encrypted, 422, "is encrypted"),
    ("broken.pdf", lambda _: b"%PDF-1.4\n broken", 422, "could not be read as a PDF"),
    ("empty.txt", lambda _: b"   ", 422, "no text could be read"),
])
def test_documents_that_cannot_be_read_get_the_one_error_shape(app, client, auth, pdf, name,
                                                               make, status, detail):
    before = stored(app)
    r = client.post("/api/v1/intake", headers=auth, content_type="multipart/form-data",
                    data={"document": (io.BytesIO(make(pdf)), name)})
    assert_error_shape(r, status, detail)
    assert stored(app) == before


def big_multipart(name: str, size: int) -> tuple[bytes, str]:
    """A multipart body made by hand (the test client would spool a big one to a file)."""
    boundary = "ccrules-test-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"document\"; "
            f"filename=\"{name}\"\r\nContent-Type: application/pdf\r\n\r\n").encode()
    body += b"%PDF-1.4\n" + b"0" * size + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def test_an_oversized_document_is_refused_before_it_is_read(app, client, auth):
    body, kind = big_multipart("big.pdf", 1024 * 1024 + 10)
    r = client.post("/api/v1/intake", headers={**auth, "Content-Type": kind}, data=body)
    assert_error_shape(r, 413, r"The document is 1\.0 MB; at most 1 MB can be sent here")
    assert stored(app) == 0


def test_the_api_needs_a_token_and_a_document_type(client, auth):
    assert client.post("/api/v1/intake", json={"text": MATERNITY}).status_code == 401
    r = client.post("/api/v1/intake", headers={**auth, "Content-Type": "image/png"},
                    data=b"\x89PNG")
    assert_error_shape(r, 415, "multipart form data")
    assert_error_shape(client.post("/api/v1/intake", headers=auth, json={"text": " \n "}),
                       422, "")
    short = client.post("/api/v1/intake", headers=auth, json={"text": "Short."})
    assert short.status_code == 200 and short.get_json()["suggestions"] == []


def offered_form(page_html: str) -> str:
    match = re.search(r'name="intake_offered" value="([^"]+)"', page_html)
    assert match, "no suggestions in the form"
    return html.unescape(match.group(1))


def test_the_page_opens_the_form_with_each_suggestion_marked(app, signed_in, pdf):
    home = signed_in.get("/").get_data(as_text=True)
    assert 'href="/intake"' in home and "Start from the application document" in home
    page = signed_in.get("/intake").get_data(as_text=True)
    assert "<h1>Start from the application document</h1>" in page
    before = stored(app)
    r = signed_in.post("/intake", data={"document": (io.BytesIO(pdf), "maternity.pdf")},
                       content_type="multipart/form-data")
    assert r.status_code == 200
    text = r.get_data(as_text=True)
    assert "answers are suggested from maternity.pdf" in text
    assert text.count('class="suggested"') == len(re.findall(r'"field": "', offered_form(text)))
    block = text[text.index('id="suggested-f-enrolment-data_submission"'):]
    block = block[:block.index("</div>")]
    assert "<mark>leave the programme</mark>" in block and "(page 1)" in block
    assert 'name="intake_accept" value="enrolment.data_submission"' in block
    assert "checked" not in block  # nothing is accepted until the officer says so
    assert '<option value="mandatory_with_exit" selected>' in text
    assert stored(app) == before  # reading stores nothing


@pytest.mark.parametrize("data, status, message", [
    ({"text": "   "}, 422, "Choose a document"),
    ({"text": "Short."}, 200, "No answer could be suggested from pasted text"),
])
def test_the_page_says_clearly_what_went_wrong_and_stores_nothing(app, signed_in, data,
                                                                  status, message):
    before = stored(app)
    r = signed_in.post("/intake", data=data)
    assert r.status_code == status
    text = r.get_data(as_text=True)
    assert 'id="intake-error"' in text and message in text and "Nothing was stored." in text
    assert stored(app) == before


def test_the_page_refuses_an_encrypted_or_oversized_file_with_a_message(app, signed_in, pdf):
    r = signed_in.post("/intake", data={"document": (io.BytesIO(encrypted(pdf)), "locked.pdf")},
                       content_type="multipart/form-data")
    assert r.status_code == 422
    assert "locked.pdf is encrypted" in r.get_data(as_text=True)
    body, kind = big_multipart("big.pdf", 1024 * 1024 + 10)
    r = signed_in.client.post("/intake", data=body, content_type=kind)
    assert r.status_code == 413
    text = r.get_data(as_text=True)
    assert 'id="intake-error"' in text and "at most 1 MB can be sent here" in text
    assert "Nothing was stored." in text
    assert stored(app) == 0


def test_only_accepted_or_edited_answers_reach_the_evaluation_with_their_quotations(
        app, signed_in):
    text = signed_in.post("/intake", data={"text": MATERNITY}).get_data(as_text=True)
    offered = offered_form(text)
    form = {"intake_offered": offered,
            "intake_accept": ["enrolment.data_submission"],
            "enrolment.data_submission": "mandatory_with_exit",  # accepted
            "community.calls_per_month": "2",  # edited: the officer's answer (suggested 1)
            "measurement.baseline_months": "4",  # suggested, left alone, not accepted
            "context.sites_enrolled": ""}  # cleared
    r = signed_in.post("/evaluations/new", data=form)
    assert r.status_code == 303, r.get_data(as_text=True)[:2000]
    evaluation_id = r.headers["Location"].rsplit("/", 1)[1]
    store = Store(app.config["DATABASE"])
    try:
        proposal, _ = store.proposal(evaluation_id)
    finally:
        store.close()
    assert proposal["enrolment"] == {"data_submission": "mandatory_with_exit"}
    assert proposal["community"] == {"calls_per_month": 2}
    assert proposal.get("measurement", {}) == {} and proposal.get("context", {}) == {}
    quotes = {q["field"]: q for q in proposal["quotations"]}
    assert set(quotes) == {"enrolment.data_submission", "community.calls_per_month"}
    assert quotes["community.calls_per_month"]["edited"] is True
    assert quotes["enrolment.data_submission"]["quote"].startswith("Sending data monthly")
    page = signed_in.get(r.headers["Location"]).get_data(as_text=True)
    appendix = page[page.index('id="appendix"'):]
    assert "Answers confirmed from the application document" in appendix
    assert "From the application" in appendix and "Sending data monthly is mandatory" in appendix
    assert "Community calls a month: 2 a month (edited by the officer)" in appendix


def test_a_fault_in_the_reviewed_form_keeps_the_suggestions_marked(signed_in):
    offered = offered_form(signed_in.post("/intake", data={"text": MATERNITY})
                           .get_data(as_text=True))
    r = signed_in.post("/evaluations/new", data={
        "intake_offered": offered, "intake_accept": ["enrolment.data_submission"],
        "enrolment.data_submission": "mandatory_with_exit", "community.calls_per_month": "lots"})
    assert r.status_code == 422
    text = r.get_data(as_text=True)
    assert 'name="intake_offered"' in text
    block = text[text.index('id="suggested-f-enrolment-data_submission"'):]
    assert "checked" in block[:block.index("</div>")]
