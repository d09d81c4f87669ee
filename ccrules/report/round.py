"""A round of evaluations as rows a programme officer reads: the same columns, in the same
words, for the round page, its CSV, the command line's CSV and spreadsheets. A row comes
from a stored listing (`Store.list` / `Store.stream`) or from an Evaluation just made."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..judging.result import Evaluation
from ..rulebook.model import Verdict
from .model import percent, readable_date, verdict_range, verdict_words

# (key, heading) in the order shown
COLUMNS: list[tuple[str, str]] = [
    ("applicant", "Applicant"), ("title", "Title"), ("reference", "Reference"),
    ("verdict", "Verdict"), ("range", "Verdict range"), ("completeness", "Completeness"),
    ("blockers", "Blockers"), ("majors", "Majors"), ("open_questions", "Open questions"),
    ("created_at", "Evaluated"), ("id", "Evaluation id"), ("link", "Link")]

# the order verdict counts are shown in: best first
VERDICT_ORDER = [v.value for v in Verdict.best_first()]


def listing_row(row: Mapping[str, Any], link: str = "") -> dict[str, Any]:
    """A stored listing's row (Store.LISTED) in the round's columns and words."""
    share = row.get("completeness")
    return {
        "applicant": row.get("applicant") or "", "title": row.get("title") or "",
        "reference": row.get("reference") or "",
        "verdict": verdict_words(row["verdict"]),
        "range": verdict_range(row.get("best"), row.get("worst")),
        "completeness": percent(share) if share is not None else "",
        "blockers": row.get("blockers") or 0, "majors": row.get("majors") or 0,
        "open_questions": row.get("open_questions") or 0,
        "created_at": readable_date(row.get("created_at") or ""), "id": row["id"],
        "link": link}


def evaluation_row(ev: Evaluation, link: str = "") -> dict[str, Any]:
    """An Evaluation in the round's columns and words (as listing_row would show it)."""
    return listing_row({
        "id": ev.id, "created_at": ev.created_at, "verdict": ev.verdict.value,
        "title": ev.title, "reference": ev.reference, "applicant": ev.applicant,
        "best": ev.verdict_range.best.value, "worst": ev.verdict_range.worst.value,
        "completeness": ev.completeness,
        "blockers": ev.count("blocker"), "majors": ev.count("major"),
        "open_questions": len(ev.missing)}, link)


def verdict_counts(verdicts: Iterable[str]) -> dict[str, int]:
    """How many of each verdict (machine values as keys), best first, every verdict listed."""
    tally = dict.fromkeys(VERDICT_ORDER, 0)
    for v in verdicts:
        tally[v] = tally.get(v, 0) + 1
    return tally


def headings(keys: list[str] | None = None) -> list[str]:
    wanted = keys or [k for k, _ in COLUMNS]
    names = dict(COLUMNS)
    return [names[k] for k in wanted]
