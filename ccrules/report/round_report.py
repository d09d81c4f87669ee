"""A round for the panel meeting: the verdict counts, then each proposal's brief in the order
the officer sorted the round, one proposal to a page, each closed by a footer naming the
evaluation, the ruleset it was judged by, and its page. Markdown here; the HTML print view
renders the same briefs (api/templates/round_report.html)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..judging.result import Evaluation
from .export import decision_markdown, export_markdown
from .markdown import brief_markdown, md
from .model import build_report, readable_date, verdict_words

PAGE_BREAK = '<div style="page-break-before: always"></div>'  # for Markdown-to-PDF tools


def round_markdown(evaluations: Sequence[Evaluation], counts: dict[str, int],
                   title: str = "Screening round",
                   rows: Sequence[Mapping[str, Any]] | None = None,
                   decisions: Mapping[str, Any] | None = None) -> str:
    """The round in Markdown: counts, an index, the export's table (`rows`, as
    report.export.export_values makes them; the same columns as the CSV and the workbook),
    then each brief with the panel's current decision (`decisions`, by evaluation id)."""
    pages = len(evaluations) + 1
    out = [f"# {md(title)}", "", f"{len(evaluations)} "
           f"{'proposal' if len(evaluations) == 1 else 'proposals'}, in the order chosen for "
           f"the meeting.", "", "| Verdict | Proposals |", "|---|---|"]
    out += [f"| {verdict_words(v)} | {n} |" for v, n in counts.items()]
    out += ["", "| # | Proposal | Verdict |", "|---|---|---|"]
    out += [f"| {i} | {md(ev.title or 'Untitled proposal')} | {ev.verdict.words} |"
            for i, ev in enumerate(evaluations, 1)]
    if rows is not None:
        out += ["", *export_markdown(rows)]
    out += ["", f"_Page 1 of {pages}._", ""]
    for i, ev in enumerate(evaluations, 2):
        brief = "\n".join(brief_markdown(build_report(ev), level=2))
        decided = decision_markdown((decisions or {}).get(ev.id)) if decisions is not None \
            else []
        out += [PAGE_BREAK, "", brief.rstrip(), "", *decided,
                f"_Evaluation {ev.id} · ruleset {ev.ruleset.version} · evaluated "
                f"{md(readable_date(ev.created_at))} · page {i} of {pages}._", ""]
    return "\n".join(out)
