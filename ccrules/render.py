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


def _verdict_word(verdict) -> str:
    return verdict.value.upper().replace("_", " ")


def render_text(ev: Evaluation) -> str:
    out = [f"VERDICT: {_verdict_word(ev.verdict)}", _heading(ev), "",
           _wrap(ev.summary), ""]
    if ev.what_if:
        out += _what_if_text(ev)
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
    if ev.options:
        out += ["MENU OPTIONS, ONE BY ONE (L5)", ""]
        for o in ev.options:
            verdict = "sound" if not o.issues else "needs attention"
            out.append(_wrap(f"{o.name}: {verdict}", 2, "- "))
            out += [_wrap(issue, 4) for issue in o.issues]
        out.append("")
    if ev.why_not:
        out += ["WHY NOT", ""]
        for w in ev.why_not:
            state = "could not be decided" if w.status == "undetermined" else "did not fire"
            out.append(_wrap(f"{w.rule_id} {w.title} ({w.severity.value}) {state}:", 2))
            out += [_wrap(t.text, 6) for t in w.terms]
        out.append("")
    if ev.counterfactuals:
        out += ["WHAT WOULD RAISE THE VERDICT (each confirmed by the rule engine)", ""]
        for c in ev.counterfactuals:
            note = "" if c.by_design else (" [not a design choice: the paper treats this as "
                                           "a feature of the problem or its context]")
            out.append(_wrap(f"{c.verdict.value}: {'; '.join(x.text for x in c.changes)}"
                             f"{note}", 2, "- "))
            out.append(_wrap(f"switches off {', '.join(c.resolves)}; lessons "
                             f"{', '.join(c.lessons)}", 4))
        out.append("")
    if ev.conditions:
        out += ["CONDITIONS OF AWARD", ""]
        out += [_wrap(c.text, 2, f"{i}. ") for i, c in enumerate(ev.conditions, 1)]
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
        out += [_wrap(f"{m.question} ({m.field}; affects {', '.join(m.rules)}"
                      f"{_could_move(m)})", 2, "- ") for m in ev.missing]
        out.append("")
    out.append(f"Ruleset {ev.ruleset.version} ({len(ev.ruleset.rules)} rules); confidence "
               f"{ev.confidence:.0%}; evaluation {ev.id} at {ev.created_at}")
    return "\n".join(out) + "\n"


def _could_move(m) -> str:
    if not m.could_move_to:
        return ""
    return "; could make it " + " or ".join(v.value for v in m.could_move_to)


def _what_if_text(ev: Evaluation) -> list[str]:
    w = ev.what_if
    changes = "; ".join(f"{k} = {v}" for k, v in w.changes.items())
    rows = [("", "as proposed", "what if"),
            ("verdict", ev.verdict.value, w.verdict.value),
            ("blockers", *(str(sum(f.severity.value == "blocker" for f in e.findings))
                           for e in (ev, w.evaluation))),
            ("majors", *(str(sum(f.severity.value == "major" for f in e.findings))
                         for e in (ev, w.evaluation))),
            ("confidence", f"{ev.confidence:.0%}", f"{w.evaluation.confidence:.0%}")]
    out = ["WHAT IF", "", _wrap(f"Changes: {changes}", 2), ""]
    out += [f"  {a:<12}{b:<26}{c}" for a, b, c in rows]
    out += ["", _wrap(f"No longer fires: {', '.join(w.fired_removed) or 'nothing'}", 2),
            _wrap(f"Newly fires: {', '.join(w.fired_added) or 'nothing'}", 2), ""]
    return out


def _finding_text(f: Finding) -> list[str]:
    return [
        _wrap(f"[{f.severity.value.upper()}] {f.rule_id}  {f.title}", 2),
        _wrap(f.message, 6),
        _wrap("Because: " + "; ".join(t.text for t in f.because), 6),
        _wrap(f"Evidence: {f.rationale}", 6),
        _wrap(f"Recommendation: {f.recommendation}", 6),
        _wrap(f"Lessons {', '.join(f.lessons)}; Aveling et al. 2017, {f.citation}", 6),
        "",
    ]


def render_markdown(ev: Evaluation) -> str:
    verdict = ev.verdict.value.replace("_", " ")
    out = [f"# {_heading(ev)}", "", f"**Verdict: {verdict}**", "", ev.summary, ""]
    if ev.what_if:
        w = ev.what_if
        out += ["## What if", "", "Changes: " + "; ".join(f"`{k}` = {v}" for k, v in
                                                         w.changes.items()), "",
                "| | as proposed | what if |", "|---|---|---|",
                f"| verdict | {ev.verdict.value} | {w.verdict.value} |",
                f"| confidence | {ev.confidence:.0%} | {w.evaluation.confidence:.0%} |", "",
                f"No longer fires: {', '.join(w.fired_removed) or 'nothing'}. "
                f"Newly fires: {', '.join(w.fired_added) or 'nothing'}.", ""]
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
                    f"  - Because: {'; '.join(t.text for t in f.because)}",
                    f"  - Evidence: {f.rationale}",
                    f"  - Recommendation: {f.recommendation}",
                    f"  - Lessons {', '.join(f.lessons)}; Aveling et al. 2017, {f.citation}"]
        out.append("")
    if ev.options:
        out += ["## Menu options, one by one (L5)", ""]
        out += [f"- **{o.name}**: {' '.join(o.issues) or 'evidence and a common measure.'}"
                for o in ev.options]
        out.append("")
    if ev.why_not:
        out += ["## Why not", ""]
        out += [f"- `{w.rule_id}` {w.title} ({w.status.replace('_', ' ')}): "
                + "; ".join(t.text for t in w.terms) for w in ev.why_not]
        out.append("")
    if ev.counterfactuals:
        out += ["## What would raise the verdict", ""]
        out += [f"- **{c.verdict.value}**: {'; '.join(x.text for x in c.changes)}"
                + ("" if c.by_design else " (not a design choice)")
                + f"; switches off {', '.join(c.resolves)}" for c in ev.counterfactuals]
        out.append("")
    if ev.conditions:
        out += ["## Conditions of award", ""]
        out += [f"{i}. {c.text}" for i, c in enumerate(ev.conditions, 1)]
        out.append("")
    out += ["## Enrolment requirements", ""]
    for r in ev.enrolment_requirements:
        ask = f" Ask: {r.ask}" if r.status != "in_design" else ""
        out.append(f"- {STATUS_WORDS[r.status]}: {r.requirement} "
                   f"({', '.join(r.lessons)}).{ask}")
    out.append("")
    if ev.missing:
        out += ["## Questions for the applicant", ""]
        out += [f"- {m.question} (`{m.field}`; affects {', '.join(m.rules)}{_could_move(m)})"
                for m in ev.missing]
        out.append("")
    out.append(f"_Ruleset {ev.ruleset.version}; confidence {ev.confidence:.0%}; "
               f"evaluation {ev.id} at {ev.created_at}._")
    return "\n".join(out) + "\n"
