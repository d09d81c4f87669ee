"""Guided mode in a real browser (Playwright driving Debian's chromium against the real
server on loopback, as tests/test_browser.py): a sparse draft uploaded, its questions
answered one at a time until the verdict is decided, then evaluated and stored. Screenshots
go to test-output/browser/. With CI=true a missing chromium fails the run instead of
skipping."""

import re

import pytest
from bench.guided_questions import DELIRIUM, completion_value, merged

from ccrules.proposal.facts import flatten
from ccrules.proposal.reading import parse_proposal

from helpers import EXAMPLES, example, shot

DRAFT = EXAMPLES / "incomplete-draft.json"
COMPLETED = flatten(parse_proposal(merged(example("incomplete-draft"), DELIRIUM)))

pytestmark = [pytest.mark.browser, pytest.mark.server]


def start(pg) -> None:
    pg.goto("/guided")
    pg.locator("#draft_file").set_input_files(str(DRAFT))
    pg.get_by_role("button", name="Start the questions").click()
    pg.locator("#guided-status").wait_for()


def answer(pg) -> None:
    """Answer the question on the page as the completion would, through its controls."""
    field = pg.locator('input[name="field"]').get_attribute("value")
    value = completion_value(COMPLETED, field)
    form = pg.locator("#question")
    if isinstance(value, bool):
        form.get_by_label("yes" if value else "no", exact=True).check()
    elif isinstance(value, (int, float)):
        pg.locator("#number").fill(str(value))
    elif isinstance(value, list) and pg.locator("#names").count():
        pg.locator("#names").fill("\n".join(value))
    elif isinstance(value, list):
        for member in value:
            form.locator(f'input[name="member"][value="{member}"]').check()
        if not value:
            form.get_by_label("none of these").check()
    else:
        form.locator(f'input[name="choice"][value="{value}"]').check()
    pg.get_by_role("button", name="Answer", exact=True).click()


def test_guided_mode_narrows_the_range_to_a_decided_verdict(page):
    start(page)
    # issue 20: open commitments no longer put not recommended in the draft's range, and the
    # expertise question now ranks first (it was what sites implement)
    assert page.locator("#question-label").inner_text() == "Expertise in the core team"
    assert page.locator("#guided-range").inner_text() == \
        "recommended to conditional"
    shot(page, "10-guided-first-question")

    page.get_by_role("button", name="Don't know").click()  # skipped, not recorded
    page.locator("#guided-status").wait_for()
    assert "1 not known" in page.locator("#guided-status").inner_text()
    assert page.locator("#question-label").inner_text() != "Expertise in the core team"

    start(page)  # again, answering everything
    ranges, steps = [], 0
    while page.locator("#guided-done").count() == 0:
        answer(page)
        page.locator("#guided-status").wait_for()
        ranges.append(page.locator("#guided-range").inner_text())
        steps += 1
        assert steps < 30, "the interview did not end"
        if steps == 3:
            shot(page, "11-guided-narrowing")
    assert ranges[0] == "recommended to conditional"  # since issue 20 (see above)
    # it narrowed on the way: one verdict before the end, while too little was known to
    # decide it (completeness under the policy's minimum)
    assert ranges.index("conditional") < len(ranges) - 1
    assert ranges[-1] == "conditional"
    assert page.locator("#guided-verdict").inner_text() == "Conditional"
    assert page.locator("#answered-count").inner_text() == f"{steps} answered"
    assert steps == 4  # as docs/guided.md says this draft needs (14 before issue 20)
    assert not re.search(r"\b(intervention|enrolment|measurement)\.[a-z_]+|\(s\)",
                         page.locator("main").inner_text())
    shot(page, "12-guided-decided")

    page.get_by_role("button", name="Evaluate and store").click()
    page.wait_for_url(re.compile(r".*/evaluations/[0-9a-f]{32}$"))
    assert "conditional" in page.locator("main").inner_text().lower()
    shot(page, "13-guided-stored-result")
