"""The report as Markdown. Every text is escaped first: a proposal's own words (its title,
option names, answers quoted in the reasons) can carry HTML or Markdown links, and must reach
a reader as text, never as markup."""

from __future__ import annotations

from ..judging.result import Evaluation
from .model import Entry, Report, Section, build_report

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "[": "\\[", "]": "\\]",
                          "`": "\\`", "*": "\\*", "_": "\\_", "|": "\\|", "#": "\\#"})


def md(text: str) -> str:
    """Text as Markdown shows it literally: no HTML, links, emphasis or code, and on one
    line (whitespace collapsed), so a line break in a title cannot end its heading or start
    a list or a heading of its own."""
    return " ".join(text.split()).translate(_ESCAPES)


def _cell(text: str) -> str:
    return md(text)


def _entry(e: Entry, number: int | None = None) -> list[str]:
    if number is not None:
        return [f"{number}. {md(e.text)}"]
    head = " ".join(x for x in (f"**{md(e.label)}**" if e.label else "",
                                f"**{md(e.ref)}**" if e.ref else "") if x)
    lines = [f"- {head}: {md(e.text)}" if head else f"- {md(e.text)}"]
    lines += [f"  - {md(label)}: {md(text)}" for label, text in e.details if text]
    return lines


def _section(section: Section, level: int = 2) -> list[str]:
    out = [f"{'#' * level} {md(section.heading)}", ""]
    if section.intro:
        out += [md(section.intro), ""]
    if section.rows:
        header, *body = section.rows
        out += ["| " + " | ".join(_cell(c) for c in header) + " |",
                "|" + "---|" * len(header)]
        out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in body]
        out.append("")
    for group in section.groups:
        out += [f"{'#' * (level + 1)} {md(group.heading)}", "", md(group.intro), ""]
        for e in group.entries:
            out += _entry(e)
        out.append("")
    for i, e in enumerate(section.entries, 1):
        out += _entry(e, i if section.numbered else None)
    if section.entries:
        out.append("")
    return out


def brief_markdown(report: Report, level: int = 1) -> list[str]:
    """The title (a heading of `level`), the verdict and the brief's sections below it."""
    out = [f"{'#' * level} {md(report.title)}", "", f"**Verdict: {md(report.verdict_words)}**",
           ""]
    for section in report.brief:
        out += _section(section, level + 1)
    return out


def render_markdown(ev: Evaluation, brief: bool = False) -> str:
    """The report as Markdown: the brief, then (unless `brief`) the appendix in full."""
    report = build_report(ev)
    out = brief_markdown(report)
    if not brief:
        out += ["---", "", "# Appendix: the full findings", ""]
        for section in report.sections:
            out += _section(section)
    out.append(f"_{md(report.footer)}._")
    return "\n".join(out) + "\n"
