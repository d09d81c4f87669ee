"""The report as plain text (for a terminal or a letter)."""

from __future__ import annotations

import textwrap

from ..judging.result import Evaluation
from .model import Entry, Section, build_report

WIDTH = 88


def _fill(text: str, initial_indent: str, subsequent_indent: str) -> str:
    """Lines of at most WIDTH; a hyphenated word ("non-negotiable", "evidence-based") is
    kept whole, so it reads and searches as one."""
    return textwrap.fill(text, WIDTH, initial_indent=initial_indent,
                         subsequent_indent=subsequent_indent, break_on_hyphens=False)


def _wrap(text: str, indent: int = 0, first: str = "") -> str:
    pad = " " * indent
    return _fill(text, initial_indent=pad + first, subsequent_indent=pad + " " * len(first))


def _entry(e: Entry, number: int | None = None, indent: int = 2, bullet: str = "") -> list[str]:
    if number is not None:
        return [_wrap(e.text, indent, f"{number}. ")]
    head = " ".join(x for x in (f"[{e.label.upper()}]" if e.label else "", e.ref) if x)
    first = f"{head}  {e.text}" if head else e.text
    lines = [_wrap(first, indent, bullet)]
    lines += [_wrap(f"{label}: {text}", indent + 4) for label, text in e.details if text]
    return lines


def _table(section: Section) -> list[str]:
    rows = section.rows
    widths = list(section.widths) or [max(len(r[i]) for r in rows) + 2
                                      for i in range(len(rows[0]) - 1)]
    out = []
    for row in rows:
        lead = "  " + "".join(f"{cell:<{w}}" for cell, w in zip(row, widths, strict=False))
        out.append(_fill(row[-1], initial_indent=lead, subsequent_indent=" " * len(lead))
                   if row[-1] else lead)
    return out


def _section(section: Section) -> list[str]:
    out = [section.heading.upper(), ""]
    if section.intro:
        out += [_wrap(section.intro, 2), ""]
    if section.rows:
        out += _table(section) + [""]
    for group in section.groups:
        if group.intro:  # findings under their dimension
            out += [_wrap(f"{group.heading.upper()}. {group.intro}"), ""]
            for e in group.entries:
                out += _entry(e) + [""]
        else:  # changes under a shared heading, stated once
            out.append(_wrap(group.heading + ":", 2))
            for e in group.entries:
                out += _entry(e, indent=4, bullet="- ")
            out.append("")
    for i, e in enumerate(section.entries, 1):
        out += _entry(e, i if section.numbered else None)
    if section.entries:
        out.append("")
    return out


def render_text(ev: Evaluation, brief: bool = False) -> str:
    """The report as text: the brief, then (unless `brief`) the appendix in full."""
    report = build_report(ev)
    out = [f"VERDICT: {report.verdict_words.upper()}", report.title, ""]
    for section in report.brief:
        out += _section(section)
    if not brief:
        out += ["=" * WIDTH, "APPENDIX: THE FULL FINDINGS", "=" * WIDTH, ""]
        for section in report.sections:
            out += _section(section)
    out.append(report.footer)
    return "\n".join(out) + "\n"
