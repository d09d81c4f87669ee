"""The pages in a real browser: Playwright driving Debian's chromium against the real server
on loopback. Screenshots go to test-output/browser/. With CI=true a missing chromium fails
the run instead of skipping."""

import csv
import io
import json
import os
import shutil
from pathlib import Path

import pytest

from helpers import EXAMPLES, ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = ROOT / "test-output" / "browser"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed; .ci/run installs it with apt-get")
        pytest.skip("chromium is not installed here (apt-get install chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture
def page(browser, server):
    base, token = server.base, server.token
    context = browser.new_context(base_url=base, accept_downloads=True)
    pg = context.new_page()
    errors = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.goto("/")
    assert "/signin" in pg.url
    pg.get_by_label("API token").fill(token)
    pg.get_by_role("button", name="Sign in").click()
    pg.wait_for_url(base + "/")
    yield pg
    assert not [e for e in errors if "Content Security Policy" in e], errors
    context.close()


def shot(pg, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def fill_form(pg, proposal: dict, prefix: str = "") -> None:
    """Answer the form field by field, as an officer would, from a proposal's JSON."""
    for key, value in proposal.items():
        path = prefix + key
        if isinstance(value, dict):
            fill_form(pg, value, path + ".")
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
    assert page.get_by_role("heading", name="The paper's alternative").is_visible()
    assert page.locator("svg.chart").count() == 1
    assert page.get_by_role("heading", name="Conditions of award").is_visible()
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
    page.get_by_text("Done: refresh the round").wait_for()
    assert page.locator("#batch-progress").get_attribute("value") == "2"
    shot(page, "04-batch-upload")
    page.goto("/evaluations")
    assert page.locator("#round-count").inner_text() == "3 evaluation(s)"
    page.get_by_label("Verdict").select_option("not_recommended")
    page.get_by_role("button", name="Filter").click()
    assert page.locator("#round-count").inner_text() == "1 evaluation(s)"
    rows = page.locator("table.round tbody tr")
    assert rows.count() == 1 and "Improving Lung Cancer Outcomes Project" in rows.inner_text()
    shot(page, "05-round-filtered")
    with page.expect_download() as download:
        page.locator("#csv-export").click()
    exported = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    assert [r["verdict"] for r in exported] == ["not_recommended"]
    page.goto("/evaluations?sort=title&dir=asc")
    titles = page.locator("table.round tbody tr td:nth-child(2)").all_inner_texts()
    assert titles == sorted(titles)


def test_proposal_text_is_rendered_inert(page):
    hostile = '<script>window.__xss = 1</script><img src=x onerror="window.__xss=2">'
    page.get_by_label("Title").fill(hostile)
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
    assert "community.calls_per_month" in alert.inner_text()
    shot(page, "07-form-error")


def test_sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/signin")
    page.goto("/evaluations")
    assert "/signin" in page.url
