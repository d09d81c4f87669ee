"""A round's exports for a panel: the same columns, in the same order, in CSV, Excel and
Markdown. A row comes from a stored listing with its asks and current decision
(`Store.stream(asks=True)`) or from an Evaluation just made. `export_values` gives each
cell its type (whole numbers, a share for completeness, a date-time for the evaluation) for
a workbook; `export_words` the same cells as the round page writes them, for CSV and
Markdown."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any

from ..judging.result import Evaluation
from .markdown import md
from .model import percent, readable_date, verdict_range, verdict_words

# (key, heading) in the order shown
EXPORT_COLUMNS: list[tuple[str, str]] = [
    ("reference", "Reference"), ("applicant", "Applicant"), ("title", "Title"),
    ("version", "Version"), ("verdict", "Verdict"), ("range", "Verdict range"),
    ("completeness", "Completeness"), ("blockers", "Blockers"), ("majors", "Majors"),
    ("conditions", "Conditions of award"), ("facts", "Facts to establish"),
    ("decision", "Panel decision"), ("decision_reason", "Decision reason"),
    ("created_at", "Evaluated"), ("link", "Link")]
EXPORT_KEYS = [k for k, _ in EXPORT_COLUMNS]
EXPORT_HEADINGS = [h for _, h in EXPORT_COLUMNS]
DECISION_WORDS = {"funded": "funded", "funded_with_conditions": "funded with conditions",
                  "declined": "declined", "deferred": "deferred"}


def numbered(texts: Iterable[str]) -> str:
    """'1. first\\n2. second' (blank when there is nothing)."""
    return "\n".join(f"{i}. {t}" for i, t in enumerate(texts, start=1))


def moment(stamp: str | None) -> datetime | None:
    """A stored time as a date-time in UTC without its zone (what a workbook can hold)."""
    if not stamp:
        return None
    try:
        when = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    if when.tzinfo is not None:
        when = when.astimezone(timezone.utc).replace(tzinfo=None)
    return when


def export_values(row: Mapping[str, Any], link: str = "") -> dict[str, Any]:
    """A stored row (its listing, asks and current decision) in the export's columns, typed:
    counts and the version as whole numbers, completeness as a share (0.46), the evaluation's
    time as a date-time; texts as texts; '_verdict' keeps the machine value."""
    decision = row.get("decision")
    return {
        "reference": row.get("reference") or "", "applicant": row.get("applicant") or "",
        "title": row.get("title") or "", "version": row.get("version"),
        "verdict": verdict_words(row["verdict"]),
        "range": verdict_range(row.get("best"), row.get("worst")),
        "completeness": row.get("completeness"),
        "blockers": row.get("blockers") or 0, "majors": row.get("majors") or 0,
        "conditions": numbered(row.get("conditions") or []),
        "facts": numbered(row.get("questions") or []),
        "decision": DECISION_WORDS.get(str(decision), str(decision)) if decision else "",
        "decision_reason": row.get("decision_reason") or "",
        "created_at": moment(row.get("created_at")), "link": link,
        "id": row.get("id", ""), "_verdict": row["verdict"],
        "_findings": row.get("findings") or []}


def evaluation_values(ev: Evaluation, link: str = "") -> dict[str, Any]:
    """An Evaluation just made (not stored: no version, no decision), as export_values."""
    return export_values({
        "id": ev.id, "created_at": ev.created_at, "verdict": ev.verdict.value,
        "title": ev.title, "reference": ev.reference, "applicant": ev.applicant,
        "best": ev.verdict_range.best.value, "worst": ev.verdict_range.worst.value,
        "completeness": ev.completeness, "blockers": ev.count("blocker"),
        "majors": ev.count("major"), "conditions": [c.text for c in ev.conditions],
        "questions": [m.question for m in ev.missing],
        "findings": [[f.rule_id, f.severity.value, f.title, f.message]
                     for f in ev.findings]}, link)


def export_words(values: Mapping[str, Any]) -> dict[str, Any]:
    """export_values as the round page writes them (for CSV and Markdown): completeness as
    '46%', the time as '26 Nov 2026, 12:18 UTC'."""
    share, when = values.get("completeness"), values.get("created_at")
    return {**values, "completeness": percent(share) if share is not None else "",
            "version": values.get("version") or "",
            "created_at": readable_date(when.replace(tzinfo=timezone.utc).isoformat())
            if isinstance(when, datetime) else ""}


def export_markdown(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    """The export's table in Markdown (cells on one line: numbered lists joined by ';')."""
    def cell(value: Any) -> str:
        return md(str(value).replace("\n", "; "))
    out = ["| " + " | ".join(EXPORT_HEADINGS) + " |",
           "|" + "---|" * len(EXPORT_HEADINGS)]
    for values in rows:
        words = export_words(values)
        out.append("| " + " | ".join(cell(words.get(k, "")) for k in EXPORT_KEYS) + " |")
    return out


def decision_markdown(decision: Mapping[str, Any] | None) -> list[str]:
    """The panel's current decision (a DecisionRecord as JSON data) as Markdown lines: what
    it decided, the reason, what it set aside, who recorded it; a line saying none was
    recorded when there is none."""
    if not decision:
        return ["## The panel's decision", "", "No decision recorded yet.", ""]
    made = DECISION_WORDS.get(decision["decision"], decision["decision"])
    out = ["## The panel's decision", "",
           f"**{md(made.capitalize())}**, recorded by {md(decision['decided_by']['name'])} "
           f"on {md(readable_date(decision['decided_at']))}."]
    if decision.get("reason"):
        out += ["", f"Reason: {md(decision['reason'])}"]
    out += [f"- Set aside: {md(f['title'])} ({md(f['rule_id'])}): {md(f['reason'] or '')}"
            for f in decision.get("findings", []) if not f["accepted"]]
    if decision.get("note"):
        out += ["", f"Note: {md(decision['note'])}"]
    return out + [""]
