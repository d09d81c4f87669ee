"""The report of an evaluation, computed once: its sections in order, with their headings
and wording. Text, Markdown and the HTML result page all render this same model, so they
cannot drift apart in order or words."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby

from ..judging.result import Evaluation, Finding

STATUS_WORDS = {"in_design": "in the design", "missing": "missing", "unknown": "not stated"}
NOT_BY_DESIGN = ("not a design choice: the paper treats this as a feature of the problem or its "
                 "context")


@dataclass(frozen=True)
class Entry:
    """One item of a section: a main text, an optional label (a severity, a status) and
    reference (a rule id), and labelled details (Because, Evidence, ...)."""

    text: str
    label: str = ""
    ref: str = ""
    details: tuple[tuple[str, str], ...] = ()
    key: str = ""  # a stable anchor, e.g. the rule id of a finding


@dataclass(frozen=True)
class Group:
    """Entries under a sub-heading (findings under their dimension)."""

    heading: str
    intro: str
    entries: list[Entry]


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    intro: str = ""
    entries: list[Entry] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)
    rows: list[tuple[str, ...]] = field(default_factory=list)  # a table, header row first
    widths: tuple[int, ...] = ()  # column widths for plain text (else from the content)
    numbered: bool = False


@dataclass(frozen=True)
class Report:
    title: str
    verdict: str  # the machine value, e.g. not_recommended
    verdict_words: str  # e.g. "not recommended"
    summary: str
    sections: list[Section]
    footer: str
    meta: dict[str, str]


def percent(share: float) -> str:
    """A share as a whole percentage, rounded (0.575 -> '58%'), the same everywhere."""
    return f"{share:.0%}"


def heading(ev: Evaluation) -> str:
    ref = f" [{ev.reference}]" if ev.reference else ""
    return f"{ev.title or 'Untitled proposal'}{ref}"


def lessons_text(ids: list[str], titles: dict[str, str]) -> str:
    """'L17 (Dedicated time for local leads), L23 (...)': every code with its title."""
    return ", ".join(f"{x} ({titles[x]})" if titles.get(x) else x for x in ids)


def _finding(f: Finding, titles: dict[str, str]) -> Entry:
    return Entry(text=f"{f.title}. {f.message}", label=f.severity.value, ref=f.rule_id,
                 key=f.rule_id, details=(
                     ("Because", "; ".join(t.text for t in f.because)),
                     ("Evidence", f.rationale),
                     ("Recommendation", f.recommendation),
                     ("Source", f"Lessons {lessons_text(f.lessons, titles)}; Aveling et al. "
                                f"2017, {f.citation}" + (f", {f.lines}" if f.lines else ""))))


def _counts(ev: Evaluation, severity: str) -> str:
    return str(sum(f.severity.value == severity for f in ev.findings))


def sections(ev: Evaluation) -> list[Section]:
    """Every section with something to say, in the one report order."""
    out: list[Section] = []
    if ev.what_if:
        w = ev.what_if
        changes = "; ".join(f"{k} = {v}" for k, v in w.changes.items())
        out.append(Section("what_if", "What if", intro=f"Changes: {changes}", rows=[
            ("", "as proposed", "what if"),
            ("verdict", ev.verdict.value, w.verdict.value),
            ("blockers", _counts(ev, "blocker"), _counts(w.evaluation, "blocker")),
            ("majors", _counts(ev, "major"), _counts(w.evaluation, "major")),
            ("range", _range(ev), _range(w.evaluation)),
            ("completeness", percent(ev.completeness), percent(w.evaluation.completeness))],
            widths=(14, 26),
            entries=[Entry(f"No longer fires: {', '.join(w.fired_removed) or 'nothing'}"),
                     Entry(f"Newly fires: {', '.join(w.fired_added) or 'nothing'}")]))
    if ev.alternatives:
        out.append(Section("alternatives", "The paper's alternative", entries=[
            Entry(text=a.text, label=a.title, ref=lessons_text(a.lessons, ev.lesson_titles))
            for a in ev.alternatives]))
    table: list[tuple[str, ...]] = [("Dimension", "Lessons met", "Explanation")]
    table += [(s.title, f"{s.met}/{s.total}", s.explanation) for s in ev.scores.values()]
    out.append(Section("scores", "Lessons met, by dimension", rows=table))
    if ev.findings:
        groups = [Group(ev.scores[dim].title, ev.scores[dim].explanation,
                        [_finding(f, ev.lesson_titles) for f in items])
                  for dim, items in groupby(ev.findings, key=lambda f: f.dimension)]
        out.append(Section("findings", "Findings", groups=groups))
    if ev.options:
        out.append(Section("options", "Menu options, one by one (L5)", entries=[
            Entry(text=" ".join(o.issues) or "Has evidence and a common measure.",
                  label="needs attention" if o.issues else "sound", ref=o.name)
            for o in ev.options]))
    if ev.why_not:
        out.append(Section("why_not", "Why not", entries=[
            Entry(text=f"{w.title} ({w.severity.value}): " + (
                "could not be decided" if w.status == "undetermined" else "did not fire"),
                ref=w.rule_id, details=(("Because", "; ".join(t.text for t in w.terms)),))
            for w in ev.why_not]))
    if ev.counterfactuals:
        out.append(Section(
            "counterfactuals", "What would raise the verdict",
            intro="Each change set is confirmed by the rule engine.", entries=[
                Entry(text="; ".join(x.text for x in c.changes), label=c.verdict.value,
                      details=tuple(
                          ([("Note", NOT_BY_DESIGN)] if not c.by_design else [])
                          + [("Switches off", ", ".join(c.resolves)),
                             ("Lessons", ", ".join(c.lessons))]))
                for c in ev.counterfactuals]))
    if ev.conditions:
        out.append(Section("conditions", "Conditions of award", numbered=True,
                           entries=[Entry(c.text, ref=c.rule_id) for c in ev.conditions]))
    out.append(Section(
        "requirements", "Minimum enrolment requirements",
        intro="The minimum commitments every site should make before it enrols.", entries=[
            Entry(text=f"{r.requirement} ({lessons_text(r.lessons, ev.lesson_titles)})",
                  label=STATUS_WORDS[r.status], key=r.id,
                  details=(() if r.status == "in_design" else (("Ask", r.ask),)))
            for r in ev.enrolment_requirements]))
    if ev.missing:
        out.append(Section("questions", "Questions for the applicant", entries=[
            Entry(text=m.question, details=(("Affects", f"{m.field}: {', '.join(m.rules)}"),))
            for m in ev.missing]))
    if ev.limits:
        out.append(Section("limits", "What a verdict means", intro=LIMITS_INTRO, entries=[
            Entry(text=f"{x.text} ({x.lines})") for x in ev.limits]))
    return out


LIMITS_INTRO = ("A verdict applies the lessons of one published comparison of two programmes; "
                "it prompts a panel's judgement and does not predict success.")


def _range(ev: Evaluation) -> str:
    best, worst = ev.verdict_range.best.value, ev.verdict_range.worst.value
    return best if best == worst else f"{best} to {worst}"


def build_report(ev: Evaluation) -> Report:
    """The report of one evaluation."""
    return Report(
        title=heading(ev), verdict=ev.verdict.value,
        verdict_words=ev.verdict.value.replace("_", " "), summary=ev.summary,
        sections=sections(ev),
        footer=(f"Ruleset {ev.ruleset.version} ({len(ev.ruleset.rules)} rules); verdict range "
                f"{_range(ev)}; completeness {percent(ev.completeness)}; evaluation {ev.id} at "
                f"{ev.created_at}"),
        meta={"ruleset": ev.ruleset.version, "completeness": percent(ev.completeness),
              "range": _range(ev), "created_at": ev.created_at, "id": ev.id})
