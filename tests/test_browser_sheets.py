"""A round in a spreadsheet, in a real browser: Playwright driving Debian's chromium against
the real server on loopback (as tests/test_browser.py does). An officer uploads a workbook
on the round page and sees each row's verdict, then exports the round to Excel.
Screenshots go to test-output/browser/. With CI=true a missing chromium fails the run."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from ccrules.screening.batch import screen
from ccrules.sheets.export import export_files

from helpers import EXAMPLES, shot

FILES = sorted(EXAMPLES.glob("*.json"))

pytestmark = [pytest.mark.browser, pytest.mark.server]


def test_upload_a_workbook_on_the_round_page_and_see_its_verdicts(page, tmp_path, rulebook):
    workbook = tmp_path / "round.xlsx"
    workbook.write_bytes(export_files(FILES, "xlsx")[0])
    expected = [r.verdict.replace("_", " ") for r in screen(((f.name, f) for f in FILES),
                                                              rulebook)]
    page.goto("/evaluations")
    page.locator("#proposal_files").set_input_files(str(workbook))
    page.get_by_role("button", name="Screen files").click()
    page.locator("#batch-summary").wait_for()
    assert page.locator("#batch-summary").inner_text().startswith("Stored: round.xlsx.")
    lines = page.locator("#batch-results li a").all_inner_texts()[:-1]
    assert len(lines) == len(FILES) and all(line.endswith(" (new)") for line in lines)
    assert [line.removesuffix(" (new)").rsplit(": ", 1)[1] for line in lines] == expected
    assert lines[0].startswith("round.xlsx row 4: ")
    shot(page, "sheets-01-workbook-upload")
    page.goto("/evaluations")
    assert page.locator("#round-count").inner_text() == \
        f"{len(FILES)} applications (the current version of each)"
    shot(page, "sheets-02-round")
    page.locator("#verdict").select_option("conditional")
    page.get_by_role("button", name="Filter").click()
    with page.expect_download() as download:
        page.locator("#xlsx-export").click()
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    verdicts = [c.value for c in book["Results"]["E"]][1:]  # after reference, ..., version
    assert verdicts == ["conditional"] * expected.count("conditional")
    with page.expect_download() as template:
        page.locator("#sheet-template").click()
    assert template.value.suggested_filename == "ccrules-template.xlsx"
