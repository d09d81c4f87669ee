"""The report as Markdown."""

from __future__ import annotations

from ..judging.result import Evaluation
from .model import Entry, Section, build_report


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _entry(e: Entry, number: int | None = None) -> list[str]:
    if number is not None:
        return [f"{number}. {e.text}"]
    head = " ".join(x for x in (f"**{e.label}**" if e.label else "",
                                f"`{e.ref}`" if e.ref else "") if x)
    lines = [f"- {head}: {e.text}" if head else f"- {e.text}"]
    lines += [f"  - {label}: {text}" for label, text in e.details if text]
    return lines


def _section(section: Section) -> list[str]:
    out = [f"## {section.heading}", ""]
    if section.intro:
        out += [section.intro, ""]
    if section.rows:
        header, *body = section.rows
        out += ["| " + " | ".join(_cell(c) for c in header) + " |",
                "|" + "---|" * len(header)]
        out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in body]
        out.append("")
    for group in section.groups:
        out += [f"### {group.heading}", "", group.intro, ""]
        for e in group.entries:
            out += _entry(e)
        out.append("")
    for i, e in enumerate(section.entries, 1):
        out += _entry(e, i if section.numbered else None)
    if section.entries:
        out.append("")
    return out


def render_markdown(ev: Evaluation) -> str:
    report = build_report(ev)
    out = [f"# {report.title}", "", f"**Verdict: {report.verdict_words}**", "",
           report.summary, ""]
    for section in report.sections:
        out += _section(section)
    out.append(f"_{report.footer}._")
    return "\n".join(out) + "\n"
