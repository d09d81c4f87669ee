"""The pages in a real browser: Playwright driving Debian's chromium against the real server
on loopback. Screenshots go to test-output/browser/. With CI=true a missing chromium fails
the run instead of skipping."""

import csv
import io
import json
import re
from pathlib import Path

import pytest

from helpers import EXAMPLES, SHOTS, shot

pytestmark = [pytest.mark.browser, pytest.mark.server]


def fill_form(pg, proposal: dict, prefix: str = "") -> None:
    """Answer the form field by field, as an officer would, from a proposal's JSON."""
    for key, value in proposal.items():
        path = prefix + key
        if isinstance(value, dict):
            fill_form(pg, value, path + ".")
            continue
        if path == "intervention.menu_options":  # one row of inputs per option
            for i, option in enumerate(value):
                if not pg.locator(f"#f-option-{i}-name").is_visible():
                    pg.locator("details.more-options summary").click()
                pg.locator(f"#f-option-{i}-name").fill(option["name"])
                if option.get("evidence_base"):
                    pg.locator(f"#f-option-{i}-evidence").select_option(option["evidence_base"])
                pg.locator(f"#f-option-{i}-measures").fill("\n".join(option.get("measures")
                                                                     or []))
            continue
        control = pg.locator(f"#f-{path.replace('.', '-')}")
        tag = control.evaluate("e => e.tagName.toLowerCase()")
        if tag == "select":
            control.select_option("true" if value is True else "false" if value is False
                                  else str(value))
        elif tag == "fieldset":  # checkboxes of an enum list
            for item in value:
                pg.locator(f'input[name="{path}"][value="{item}"]').check()
            if not value:
                pg.locator(f'input[name="{path}.__none"]').check()
        elif isinstance(value, list):  # one per line, or "none"
            if value:
                control.fill("\n".join(value))
            else:
                pg.locator(f'input[name="{path}.__none"]').check()
        else:
            control.fill(str(value))


def test_sign_in_fill_the_ilcop_form_and_read_the_verdict(page):
    ilcop = json.loads((EXAMPLES / "ilcop.json").read_text())
    fill_form(page, ilcop)
    shot(page, "01-form-ilcop")
    page.get_by_role("button", name="Evaluate and store").click()
    page.wait_for_url("**/evaluations/*")
    assert page.locator("#verdict").inner_text() == "Not recommended"
    for rule in ("PF-01", "PF-05", "IM-06"):
        assert page.locator(f"#finding-{rule}").is_visible()
    assert "Each site designs its own intervention" in page.content()
    alternatives = "Alternatives (the paper's tentative compromise, and ccrules' readings)"
    assert page.get_by_role("heading", name=alternatives, exact=True).is_visible()
    assert page.locator("svg.chart").count() == 1
    brief = page.locator("#brief")
    assert brief.get_by_role("heading", name="If resubmitted").is_visible()
    assert page.get_by_role("heading", name="Conditions of award").count() == 0
    assert brief.bounding_box()["y"] < page.locator("#appendix").bounding_box()["y"]
    shot(page, "02-result-ilcop")
    page.emulate_media(media="print")
    assert not page.locator("header.site nav").is_visible()  # the print stylesheet applies
    shot(page, "03-result-ilcop-print")


def test_round_table_filter_and_csv_export(page):
    page.goto("/")
    page.locator("#proposal_file").set_input_files(str(EXAMPLES / "ilcop.json"))
    page.get_by_role("button", name="Evaluate file").click()
    page.wait_for_url("**/evaluations/*")
    page.goto("/evaluations")
    page.locator("#proposal_files").set_input_files(
        [str(EXAMPLES / "michigan-keystone.json"), str(EXAMPLES / "ilcop-redesigned.json")])
    page.get_by_role("button", name="Screen files").click()
    page.locator("#batch-summary").wait_for()
    assert page.locator("#batch-summary").inner_text().startswith(
        "Stored: michigan-keystone.json, ilcop-redesigned.json.")
    assert page.locator("#batch-progress").get_attribute("value") == "2"
    shot(page, "04-batch-upload")
    page.goto("/evaluations")
    assert page.locator("#round-count").inner_text() == \
        "3 applications (the current version of each)"
    page.get_by_label("Verdict", exact=True).select_option("not_recommended")
    page.get_by_role("button", name="Filter").click()
    assert page.locator("#round-count").inner_text() == \
        "1 application (the current version of each)"
    rows = page.locator("table.round tbody tr")
    assert rows.count() == 1 and "Improving Lung Cancer Outcomes Project" in rows.inner_text()
    shot(page, "05-round-filtered")
    with page.expect_download() as download:
        page.locator("#csv-export").click()
    exported = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    assert [r["Verdict"] for r in exported] == ["not recommended"]
    page.goto("/evaluations?sort=title&dir=asc")
    titles = page.locator("table.round tbody tr td:nth-child(1) a:not(.version)"
                          ).all_inner_texts()
    assert titles == sorted(titles)


def test_proposal_text_is_rendered_inert(page):
    hostile = '<script>window.__xss = 1</script><img src=x onerror="window.__xss=2">'
    page.get_by_label("Title").fill(hostile)
    page.locator("#f-problem-evidence_base").select_option("strong")  # one answer at least
    page.get_by_role("button", name="Evaluate and store").click()
    page.wait_for_url("**/evaluations/*")
    assert page.evaluate("window.__xss") is None
    assert "<script>window.__xss = 1</script>" in page.locator("h1").inner_text()
    page.goto("/evaluations")
    assert page.evaluate("window.__xss") is None
    shot(page, "06-escaped-title")


def test_keyboard_reaches_the_form_and_errors_are_announced(page):
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.locator("#f-community-calls_per_month").fill("often")
    page.get_by_role("button", name="Evaluate and store").click()
    alert = page.get_by_role("alert")
    assert "Community calls a month" in alert.inner_text()
    shot(page, "07-form-error")


def test_sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/signin")
    page.goto("/evaluations")
    assert "/signin" in page.url


def test_the_brief_leads_the_result_page(page):
    fill_form(page, json.loads((EXAMPLES / "ilcop-paper-alternative.json").read_text()))
    page.get_by_role("button", name="Evaluate and store").click()
    page.wait_for_url("**/evaluations/*")
    brief = page.locator("#brief")
    assert brief.get_by_role("heading", name="Conditions of award").is_visible()
    text = brief.inner_text()
    assert text.count("Before the award is confirmed, the applicant must:") == 1
    assert "Make enrolment conditional on minimum commitments from each site" in text
    assert page.locator("#edit").is_visible() and page.locator("#print").is_visible()
    for legend in ("missed", "met", "cannot tell yet"):
        assert page.locator("svg.chart .legend").get_by_text(legend, exact=True).count() == 1
    shot(page, "08-brief")


def test_an_empty_form_is_refused_and_nothing_is_stored(page):
    page.get_by_role("button", name="Evaluate and store").click()
    alert = page.get_by_role("alert")
    assert "The proposal is empty" in alert.inner_text()
    shot(page, "09-empty-form-refused")
    page.goto("/")
    page.get_by_role("button", name="Evaluate file").click()
    assert "Choose a proposal file" in page.get_by_role("alert").inner_text()
    page.goto("/evaluations")
    assert page.locator("#round-count").inner_text() == \
        "0 applications (the current version of each)"


def test_the_round_table_on_a_phone_keeps_the_verdict(page):
    for name in ("ilcop.json", "michigan-keystone.json"):
        page.goto("/")
        page.locator("#proposal_file").set_input_files(str(EXAMPLES / name))
        page.get_by_role("button", name="Evaluate file").click()
        page.wait_for_url("**/evaluations/*")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/evaluations")
    chips = page.locator("table.round tbody .verdict-chip")
    assert chips.count() == 2
    for i in range(2):
        box = chips.nth(i).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
        assert chips.nth(i).is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    counts = page.locator("#verdict-counts").inner_text()
    assert "recommended 1" in counts.replace("\n", " ")
    shot(page, "10-round-390px")


def test_the_round_report_prints_one_proposal_to_a_page(page):
    names = ["ilcop.json", "michigan-keystone.json", "sepsis-bundle-emergency-departments.json"]
    for name in names:
        page.goto("/")
        page.locator("#proposal_file").set_input_files(str(EXAMPLES / name))
        page.get_by_role("button", name="Evaluate file").click()
        page.wait_for_url("**/evaluations/*")
    page.goto("/evaluations?sort=title&dir=asc")
    page.locator("#round-report").click()
    page.wait_for_url("**/evaluations/report?*")
    titles = page.locator(".round-page h2").all_inner_texts()
    assert titles == sorted(titles) and len(titles) == 3  # the officer's order
    footers = page.locator(".round-page .page-footer").all_inner_texts()
    assert all(f.startswith("Evaluation ") and " · ruleset " in f for f in footers)
    page.emulate_media(media="print")
    shot(page, "11-round-report-print")
    pdf = page.pdf(format="A4", print_background=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "11-round-report.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))
    assert pages == 1 + len(names), pages  # the cover, then one page per proposal


def _fits(page, width: int = 390) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_round_with_versions_on_the_round_page_and_on_a_phone(page):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/rounds")
    _fits(page)
    page.get_by_label("Name").fill("Spring 2027")
    page.get_by_label("Opens").fill("2027-03-01")
    page.get_by_label("Closes").fill("2027-04-30")
    page.get_by_role("button", name="Create the round").click()
    page.wait_for_url("**/evaluations?round=*")
    assert page.locator("h1").inner_text() == "Spring 2027"
    page.locator("#proposal_files").set_input_files(
        [str(EXAMPLES / "sepsis-bundle-emergency-departments.json"),
         str(EXAMPLES / "michigan-keystone.json")])
    page.locator("#batch-round").select_option(label="Spring 2027")
    page.get_by_role("button", name="Screen files").click()
    page.locator("#batch-summary").wait_for()
    assert "(new)" in page.locator("#batch-results").inner_text()
    page.reload()
    assert page.locator("#round-count").inner_text().startswith("2 applications")
    # edit one application and evaluate it again: a second version, one row still
    page.locator("table.round tbody a", has_text="Sepsis Six").first.click()
    page.get_by_role("link", name="Edit and re-evaluate").click()
    page.locator("#f-enrolment-local_lead_time_pct").fill("30")
    page.get_by_role("button", name="Evaluate and store").click()
    page.wait_for_url("**/evaluations/*")
    versions = page.locator("#versions")
    assert "Version 2 of 2" in versions.inner_text()
    assert "Local leads' dedicated time: 0% of their time → 30% of their time" in \
        page.locator("#changes").inner_text()
    _fits(page)
    shot(page, "20-versions-390px")
    page.goto(page.url.split("/evaluations/")[0] + "/evaluations")
    page.locator("#round").select_option(label="Spring 2027")
    page.get_by_role("button", name="Filter").click()
    assert page.locator("table.round tbody tr").count() == 2
    link = page.locator("a.version", has_text="v2")
    assert link.count() == 1 and link.is_visible()
    box = link.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    _fits(page)
    shot(page, "21-round-with-versions-390px")
    page.locator("#all-versions").check()
    page.get_by_role("button", name="Filter").click()
    assert page.locator("table.round tbody tr").count() == 3
    assert "(superseded)" in page.locator("table.round tbody").inner_text()
    link = page.locator("a.version", has_text="v2").first
    link.click()
    page.wait_for_url("**/evaluations/*#versions")
    rows = page.locator("#versions-table tbody tr")
    assert rows.count() == 2 and "(current)" in rows.nth(1).inner_text()
    rows.nth(0).get_by_role("link").click()
    assert "an earlier evaluation" in page.locator("#version-line").inner_text()
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, "22-earlier-version")
