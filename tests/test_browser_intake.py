"""Starting from the application document, in a real browser (Playwright driving Debian's
chromium against the real server on loopback, as tests/test_browser.py does): the officer
uploads a PDF, reviews the suggestions (each marked, with its sentence), accepts some,
edits one, clears one, and evaluates; the result's appendix quotes the application. At
normal width and at 390 px. Screenshots go to test-output/browser/. With CI=true a
missing chromium fails the run."""

import pytest
from bench.intake import write_pdf

from helpers import ROOT, SHOTS, shot

APPLICATION = ROOT / "tests" / "intake" / "applications" / "01-sepsis-ed.md"

pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture
def application_pdf(tmp_path):
    path = tmp_path / "sepsis-application.pdf"
    text = APPLICATION.read_text(encoding="utf-8")
    write_pdf(path, [" ".join(p.split()).lstrip("# ") for p in text.split("\n\n")], wrap=True)
    return path


@pytest.mark.parametrize("width", [1280, 390])
def test_upload_review_confirm_and_evaluate(page, application_pdf, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/")
    page.get_by_role("link", name="Start from the application document").click()
    page.wait_for_url("**/intake")
    assert page.get_by_role("heading", level=1).inner_text() == \
        "Start from the application document"
    shot(page, f"intake-01-start-{width}px")
    page.locator("#document").set_input_files(str(application_pdf))
    page.get_by_role("button", name="Read the document").click()
    notice = page.locator("#intake-notice")
    notice.wait_for()
    assert "answers are suggested from sepsis-application.pdf" in notice.inner_text()
    marked = page.locator(".suggested")
    assert marked.count() >= 20
    data = page.locator("#suggested-f-enrolment-data_submission")
    assert "suggested" in data.inner_text().lower()
    assert "asked to leave" in data.locator("blockquote mark").first.inner_text()
    assert page.locator("#f-enrolment-data_submission").input_value() == "mandatory_with_exit"
    if width == 390:
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        box = data.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    data.scroll_into_view_if_needed()
    shot(page, f"intake-02-review-{width}px")
    page.locator("#f-enrolment-data_submission").locator("xpath=..").screenshot(
        path=str(SHOTS / f"intake-02-one-suggestion-{width}px.png"))

    # accept two, edit one, clear one; every other suggestion is left unticked
    data.get_by_label("accept").check()
    page.locator("#suggested-f-context-sites_enrolled").get_by_label("accept").check()
    page.locator("#f-community-calls_per_month").fill("4")  # edited: suggested 2
    page.locator("#f-measurement-baseline_months").fill("")  # cleared
    page.get_by_role("button", name="Evaluate and store").click()
    page.wait_for_url("**/evaluations/*")
    appendix = page.locator("#appendix")
    text = appendix.inner_text()
    assert "Answers confirmed from the application document" in text
    assert "Data submission: required, with exit for not submitting" in text
    assert "Sites enrolled: 24 sites" in text
    assert "Community calls a month: 4 a month (edited by the officer)" in text
    assert "Baseline period" not in text.split("Answers confirmed")[1].split("What a verdict")[0]
    assert "Local leads' dedicated time" not in text.split("Answers confirmed")[1]
    assert "From the application:" in text and "asked to leave the programme" in text
    page.get_by_text("Answers confirmed from the application document").scroll_into_view_if_needed()
    if width == 390:
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, f"intake-03-result-{width}px")


def test_an_unreadable_document_gets_a_message_on_the_page(page, tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4\n not really a PDF")
    page.goto("/intake")
    page.locator("#document").set_input_files(str(broken))
    page.get_by_role("button", name="Read the document").click()
    alert = page.locator("#intake-error")
    assert "broken.pdf could not be read as a PDF" in alert.inner_text()
    assert "Nothing was stored." in alert.inner_text()
    shot(page, "intake-04-unreadable")
    page.goto("/evaluations")
    assert page.locator("#round-count").inner_text().startswith("0 "), \
        page.locator("#round-count").inner_text()
