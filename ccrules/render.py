"""Render an Evaluation as plain text (for a terminal or a letter) or Markdown."""

from __future__ import annotations

import textwrap
from itertools import groupby

from .evaluation import Evaluation, Finding

WIDTH = 88
STATUS_WORDS = {"in_design": "in the design", "missing": "MISSING", "unknown": "not stated"}


def _wrap(text: str, indent: int = 0, first: str = "") -> str:
    pad = " " * indent
    return textwrap.fill(text, WIDTH, initial_indent=pad + first,
                         subsequent_indent=pad + " " * len(first))


def _by_dimension(ev: Evaluation):
    return groupby(ev.findings, key=lambda f: f.dimension)


def _heading(ev: Evaluation) -> str:
    ref = f" [{ev.reference}]" if ev.reference else ""
    return f"{ev.title or 'Untitled proposal'}{ref}"


def render_text(ev: Evaluation) -> str:
    out = [f"VERDICT: {ev.verdict.value.upper().replace('_', ' ')}", _heading(ev), "",
           _wrap(ev.summary), ""]
    if ev.alternatives:
        out += ["THE PAPER'S ALTERNATIVE", ""]
        for alt in ev.alternatives:
            out += [_wrap(f"{alt.title} ({', '.join(alt.lessons)})", 2, "- "),
                    _wrap(alt.text, 4), ""]
    if ev.findings:
        out += ["FINDINGS", ""]
    for dim, findings in _by_dimension(ev):
        score = ev.scores[dim]
        out += [_wrap(f"{score.title.upper()}. {score.explanation}"), ""]
        for f in findings:
            out += _finding_text(f)
    if ev.conditions:
        out += ["CONDITIONS OF AWARD", ""]
        out += [_wrap(f"{c.text} ({c.rule_id}; {', '.join(c.lessons)})", 2, f"{i}. ")
                for i, c in enumerate(ev.conditions, 1)]
        out.append("")
    out += ["ENROLMENT REQUIREMENTS (minimum commitments from every site)", ""]
    for r in ev.enrolment_requirements:
        out.append(_wrap(f"[{STATUS_WORDS[r.status]}] {r.requirement} ({', '.join(r.lessons)})",
                         2))
        if r.status != "in_design":
            out.append(_wrap(f"Ask: {r.ask}", 6))
    out.append("")
    if ev.missing:
        out += ["QUESTIONS FOR THE APPLICANT", ""]
        out += [_wrap(f"{m.question} ({m.field}; affects {', '.join(m.rules)})", 2, "- ")
                for m in ev.missing]
        out.append("")
    out.append(f"Ruleset {ev.ruleset.version} ({len(ev.ruleset.rules)} rules); confidence "
               f"{ev.confidence:.0%}; evaluation {ev.id} at {ev.created_at}")
    return "\n".join(out) + "\n"


def _finding_text(f: Finding) -> list[str]:
    return [
        _wrap(f"[{f.severity.value.upper()}] {f.rule_id}  {f.title}", 2),
        _wrap(f.message, 6),
        _wrap(f"Evidence: {f.rationale}", 6),
        _wrap(f"Recommendation: {f.recommendation}", 6),
        _wrap(f"Lessons {', '.join(f.lessons)}; Aveling et al. 2017, {f.citation}", 6),
        "",
    ]


def render_markdown(ev: Evaluation) -> str:
    verdict = ev.verdict.value.replace("_", " ")
    out = [f"# {_heading(ev)}", "", f"**Verdict: {verdict}**", "", ev.summary, ""]
    if ev.alternatives:
        out += ["## The paper's alternative", ""]
        out += [f"- **{a.title}** ({', '.join(a.lessons)}): {a.text}" for a in ev.alternatives]
        out.append("")
    out += ["## Scores by dimension", "", "| Dimension | Lessons met | Explanation |",
            "|---|---|---|"]
    out += [f"| {s.title} | {s.met}/{s.total} | {s.explanation} |" for s in ev.scores.values()]
    out.append("")
    if ev.findings:
        out += ["## Findings", ""]
    for dim, findings in _by_dimension(ev):
        out += [f"### {ev.scores[dim].title}", ""]
        for f in findings:
            out += [f"- **{f.severity.value}** `{f.rule_id}` {f.title}: {f.message}",
                    f"  - Evidence: {f.rationale}",
                    f"  - Recommendation: {f.recommendation}",
                    f"  - Lessons {', '.join(f.lessons)}; Aveling et al. 2017, {f.citation}"]
        out.append("")
    if ev.conditions:
        out += ["## Conditions of award", ""]
        out += [f"{i}. {c.text} ({c.rule_id}; {', '.join(c.lessons)})"
                for i, c in enumerate(ev.conditions, 1)]
        out.append("")
    out += ["## Enrolment requirements", ""]
    for r in ev.enrolment_requirements:
        ask = f" Ask: {r.ask}" if r.status != "in_design" else ""
        out.append(f"- {STATUS_WORDS[r.status]}: {r.requirement} "
                   f"({', '.join(r.lessons)}).{ask}")
    out.append("")
    if ev.missing:
        out += ["## Questions for the applicant", ""]
        out += [f"- {m.question} (`{m.field}`; affects {', '.join(m.rules)})"
                for m in ev.missing]
        out.append("")
    out.append(f"_Ruleset {ev.ruleset.version}; confidence {ev.confidence:.0%}; "
               f"evaluation {ev.id} at {ev.created_at}._")
    return "\n".join(out) + "\n"
