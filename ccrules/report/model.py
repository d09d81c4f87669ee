"""The report of an evaluation, computed once: its sections in order, with their headings
and wording. Text, Markdown and the HTML result page all render this same model, so they
cannot drift apart in order or words."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from itertools import groupby
from typing import Any

from ..judging.result import AwardCondition, DimensionScore, Evaluation, Finding
from ..proposal import words
from ..proposal.fields import label, value_words
from ..rulebook.model import Verdict

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
    brief: list[Section]  # what a reader needs first: fits one printed page
    sections: list[Section]  # the appendix: everything in full
    footer: str
    meta: dict[str, str]


def percent(share: float) -> str:
    """A share as a whole percentage, rounded (0.575 -> '58%'), the same everywhere."""
    return f"{share:.0%}"


def readable_date(stamp: str) -> str:
    """'2026-11-26T12:18:59+00:00' -> '26 Nov 2026, 12:18 UTC'."""
    try:
        when = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    offset = when.utcoffset()
    zone = " UTC" if offset is not None and not offset else ""
    return f"{when.day} {when:%b %Y}, {when:%H:%M}{zone}"


def heading(ev: Evaluation) -> str:
    ref = f" [{ev.reference}]" if ev.reference else ""
    return f"{ev.title or 'Untitled proposal'}{ref}"


def lessons_text(ids: list[str], titles: dict[str, str]) -> str:
    """'L17 (Dedicated time for local leads), L23 (...)': every code with its title."""
    return ", ".join(f"{x} ({titles[x]})" if titles.get(x) else x for x in ids)


def verdict_words(verdict: Verdict | str) -> str:
    """A verdict in words, from the enum or its stored value."""
    return Verdict(verdict).words if verdict in set(Verdict) else str(verdict)


def verdict_range(best: Verdict | str | None, worst: Verdict | str | None) -> str:
    """'conditional' when settled, 'recommended to not recommended' when open; '' when
    unknown (a listing row from before ranges were stored)."""
    if not best or not worst:
        return ""
    return Verdict.span(Verdict(best), Verdict(worst))


def range_words(ev: Evaluation) -> str:
    """Whether the open answers could still change the verdict, and how far."""
    best, worst = ev.verdict_range.best, ev.verdict_range.worst
    if best == worst:
        return "no open answer can change it"
    return f"depending on the open answers, anything from {Verdict.span(best, worst)}"


def _finding(f: Finding, titles: dict[str, str]) -> Entry:
    return Entry(text=f"{f.title}. {f.message}", label=f.severity.value, ref=f.rule_id,
                 key=f.rule_id, details=(
                     ("Because", "; ".join(t.text for t in f.because)),
                     ("Evidence", f.rationale),
                     ("Recommendation", f.recommendation),
                     ("Source", f"Lessons {lessons_text(f.lessons, titles)}; Aveling et al. "
                                f"2017, {f.citation}" + (f", {f.lines}" if f.lines else ""))))


# --- the brief -----------------------------------------------------------------------------

BRIEF_QUESTIONS = 8  # questions shown in the brief; the rest are in the appendix
PREAMBLE = "Before the award is confirmed, the applicant must:"


def _grouped(items: list[AwardCondition]) -> list[tuple[str, list[AwardCondition]]]:
    """Conditions under their shared headings (a heading once, in first-seen order); those
    without a group last, under 'Also'."""
    groups: dict[str, list[AwardCondition]] = {}
    for c in items:
        groups.setdefault(c.group_heading or "", []).append(c)
    ordered = [(h, cs) for h, cs in groups.items() if h]
    if "" in groups:
        ordered.append(("Also" if ordered else "", groups[""]))
    return ordered


def _unique_actions(items: list[AwardCondition]) -> list[tuple[str, list[str]]]:
    """Each distinct action once, with the findings that ask for it."""
    found: dict[str, list[str]] = {}
    for c in items:
        found.setdefault(c.action or c.text, []).append(c.title or c.rule_id)
    return list(found.items())


def _conditions_section(ev: Evaluation) -> Section | None:
    """What the applicant must do, under shared headings: what the findings ask, then the
    commitments the proposal does not state. None when there is nothing to ask."""
    groups = []
    for head, items in _grouped([c for c in ev.conditions if c.kind == "finding"]):
        groups.append(Group(head, "", [Entry(text=action, details=(("For", "; ".join(t)),))
                                       for action, t in _unique_actions(items)]))
    commit = [c for c in ev.conditions if c.kind in ("commitment", "confirm")]
    if commit:
        groups.append(Group(COMMIT_HEADING, "", [
            Entry(text=c.action or c.title, details=(
                (("Ask", c.question),) if c.question else ()) + (("For", c.title),))
            for c in commit]))
    if not groups:
        return None
    return Section("brief_conditions", "Conditions of award", intro=PREAMBLE, groups=groups)


COMMIT_HEADING = "Commit to what the proposal does not say"


def _facts_section(ev: Evaluation) -> Section | None:
    """The open facts, for the funder to establish before the award: never conditions, since
    no applicant can meet them."""
    facts = ev.facts_to_establish
    if not facts:
        return None
    return Section("brief_facts", "Facts to establish before the award", intro=FACTS_INTRO,
                   entries=[Entry(text=m.question) for m in facts[:BRIEF_QUESTIONS]])


FACTS_INTRO = ("Not conditions: no condition of award can secure these. The funder (or the "
               "panel) should establish them before the award; an unfavourable answer could "
               "bring a major finding.")


def _known_section(ev: Evaluation) -> Section | None:
    """For an undecided proposal: the best it can reach and what is already found."""
    against = [f for f in ev.findings if f.severity.value in ("blocker", "major")]
    if not against:
        return None
    return Section("brief_known", "Already found", intro=(
        f"Whatever the open answers, these stand (at best {verdict_words(ev.verdict_range.best)}"
        f"):"), entries=[Entry(text=f"{f.title}.", label=f.severity.value, ref=f.rule_id)
                         for f in against])


def _resubmission_sections(ev: Evaluation) -> list[Section]:
    design = [c for c in ev.if_resubmitted if c.kind == "resubmit"]
    out = []  # the problem's own findings are named in `why`, and in full in the appendix
    if design:
        out.append(Section(
            "brief_resubmit", "If resubmitted",
            intro=("A resubmission would need to answer these findings (the changes, in full, "
                   "are in the appendix):"),
            groups=[Group(head or "Also", "", [Entry(text="; ".join(
                dict.fromkeys(c.title for c in items)) + ".")])
                for head, items in _grouped(design)]))
    if ev.alternatives:
        out.append(Section("brief_alternatives", ALTERNATIVES, entries=[
            Entry(text=a.text, label=a.title) for a in ev.alternatives]))
    return out


ALTERNATIVES = "Alternatives (the paper's tentative compromise, and ccrules' readings)"


def _questions_section(ev: Evaluation) -> Section:
    """The open questions, facts first (they keep the verdict open), then commitments."""
    ranked = ev.facts_to_establish + ev.commitments_to_require
    shown = ranked[:BRIEF_QUESTIONS]
    more = len(ranked) - len(shown)
    intro = ("Ask the applicant, most decisive first: first the facts that keep the verdict "
             "open, then the commitments a funder could require")
    intro += f" ({words.count(more, 'more question')} in the appendix):" if more > 0 else ":"
    return Section("brief_questions", "Questions to ask", intro=intro, numbered=True,
                   entries=[Entry(text=m.question, label="fact" if m.kind == "fact" else
                                  "commitment") for m in shown])


def brief_sections(ev: Evaluation) -> list[Section]:
    """The brief: the verdict and its range, why (at most three sentences), and what to do
    next for this verdict. It fits one printed page; the appendix has everything else."""
    why = ev.why or [ev.summary]
    out = [Section("brief_verdict", "Brief", entries=[
        Entry(text=f"Verdict: {verdict_words(ev.verdict)}; {range_words(ev)} (completeness "
                   f"{percent(ev.completeness)})."),
        Entry(text=" ".join(why))])]
    if ev.verdict == Verdict.conditional:
        out += [s for s in (_conditions_section(ev), _facts_section(ev)) if s]
    elif ev.verdict == Verdict.not_recommended:
        out += _resubmission_sections(ev)
    elif ev.verdict == Verdict.insufficient_information:
        out += [s for s in (_known_section(ev), _questions_section(ev)) if s]
    else:
        out.append(Section("brief_next", "Next", entries=[Entry(text=RECOMMENDED_NEXT)]))
    out[0].entries.append(Entry(text=BRIEF_LIMITS))
    return out


RECOMMENDED_NEXT = (
    "No conditions: the rules find nothing against the stated design. They were drawn "
    "largely from Michigan's account, so a design that follows Michigan passes them by "
    "construction; the panel's judgement is still needed. The appendix lists any minor "
    "points and the enrolment requirements to keep.")


# --- the appendix --------------------------------------------------------------------------

def _score_row(score: DimensionScore, titles: dict[str, str]) -> tuple[str, ...]:
    parts = []
    if score.missed:
        parts.append("misses " + lessons_text(score.missed, titles))
    if score.unknown:
        parts.append("cannot tell " + lessons_text(score.unknown, titles))
    return (score.title, f"{score.met} of {score.total}", "; ".join(parts) or "meets them all")


def _changes(changes: dict[str, Any]) -> str:
    return "; ".join(f"{label(k)}: {value_words(k, v)}" for k, v in changes.items())


def sections(ev: Evaluation) -> list[Section]:
    """The appendix: every section with something to say, in the one report order."""
    out: list[Section] = []
    titles = ev.lesson_titles
    rule_titles = {f.rule_id: f.title for f in ev.findings}
    rule_titles.update({u.rule_id: u.title for u in ev.undetermined})
    if ev.what_if:
        w = ev.what_if
        out.append(Section("what_if", "What if", intro=f"Changes: {_changes(w.changes)}",
                           rows=[
            ("", "as proposed", "what if"),
            ("verdict", verdict_words(ev.verdict), verdict_words(w.verdict)),
            ("blockers", str(ev.count("blocker")), str(w.evaluation.count("blocker"))),
            ("majors", str(ev.count("major")), str(w.evaluation.count("major"))),
            ("range", _range(ev), _range(w.evaluation)),
            ("completeness", percent(ev.completeness), percent(w.evaluation.completeness))],
            widths=(14, 26),
            entries=[Entry("No longer found: " + (", ".join(
                         rule_titles.get(r, r) for r in w.fired_removed) or "nothing")),
                     Entry("Newly found: " + (", ".join(
                         _title(w.evaluation, r) for r in w.fired_added) or "nothing"))]))
    if ev.verdict == Verdict.not_recommended and ev.if_resubmitted:
        groups = [Group(head or "Also", "", [
            Entry(text=c.action or c.text, ref=c.rule_id, details=(
                ("Finding", c.title), ("Source", lessons_text(c.lessons, titles))))
            for c in items]) for head, items in _grouped(
                [c for c in ev.if_resubmitted if c.kind == "resubmit"])]
        for kind, head in (("problem_limit", "Limits set by the problem"),
                           ("different_programme", "A different programme")):
            items = [c for c in ev.if_resubmitted if c.kind == kind]
            if items:
                groups.append(Group(head, "", [
                    Entry(text=c.action or c.text, ref=c.rule_id, details=(
                        ("Finding", c.title), ("Source", lessons_text(c.lessons, titles))))
                    for c in items]))
        out.append(Section("resubmission", "Changes if resubmitted, in full", groups=groups))
    if ev.alternatives:
        out.append(Section("alternatives", "Lessons behind the alternatives", entries=[
            Entry(text=lessons_text(a.lessons, titles), label=a.title)
            for a in ev.alternatives]))
    table: list[tuple[str, ...]] = [("Dimension", "Lessons met", "Explanation")]
    table += [_score_row(s, titles) for s in ev.scores.values()]
    out.append(Section("scores", "Lessons met, by dimension", rows=table))
    if ev.findings:
        groups = [Group(ev.scores[dim].title, ev.scores[dim].explanation.split(";")[0] + ".",
                        [_finding(f, titles) for f in items])
                  for dim, items in groupby(ev.findings, key=lambda f: f.dimension)]
        out.append(Section("findings", "Findings", groups=groups))
    if ev.options:
        out.append(Section("options", "Menu options, one by one (" + lessons_text(
            ["L5"], titles) + ")", entries=[
            Entry(text=" ".join(o.issues) or "Has evidence and a common measure.",
                  label="needs attention" if o.issues else "sound", ref=o.name)
            for o in ev.options]))
    if ev.why_not:
        out.append(Section("why_not", "Checked and not found, or not decidable yet", entries=[
            Entry(text=f"{w.title} ({w.severity.value}): " + (
                "cannot be decided yet" if w.status == "undetermined" else "not found"),
                ref=w.rule_id, details=(("Because", "; ".join(t.text for t in w.terms)),))
            for w in ev.why_not]))
    by_design = [c for c in ev.counterfactuals if c.by_design]
    other = [c for c in ev.counterfactuals if not c.by_design]
    for key, head, intro, found in (
            ("counterfactuals", "What would raise the verdict",
             "Design changes, each checked by the rule engine.", by_design),
            ("different_programme", "What a different programme would change",
             "These change the problem itself, not the design: " + NOT_BY_DESIGN + ".",
             other)):
        if found:
            out.append(Section(key, head, intro=intro, entries=[
                Entry(text="; ".join(x.text for x in c.changes),
                      label=verdict_words(c.verdict), details=(
                          ("Clears", ", ".join(rule_titles.get(r, r) for r in c.resolves)),
                          ("Lessons", lessons_text(c.lessons, titles))))
                for c in found]))
    if ev.conditions:
        out.append(Section("conditions", "Conditions of award, in full", numbered=True,
                           entries=[Entry(c.text, ref=c.rule_id) for c in ev.conditions]))
    out.append(Section(
        "requirements", "Minimum enrolment requirements",
        intro=("Minimum commitments a funder might ask of every site before it enrols "
               "(ccrules' list; the paper says a design \"might include\" such "
               "requirements)."), entries=[
            Entry(text=f"{r.requirement} ({lessons_text(r.lessons, titles)})",
                  label=STATUS_WORDS[r.status], key=r.id,
                  details=(() if r.status == "in_design" else (("Ask", r.ask),)))
            for r in ev.enrolment_requirements]))
    for key, head, asked in (
            ("facts", "Facts to establish (no condition can secure them)",
             ev.facts_to_establish),
            ("questions", "Commitments to ask for (a funder can require them)",
             ev.commitments_to_require)):
        if asked:
            out.append(Section(key, head, numbered=False, entries=[
                Entry(text=m.question, details=(("Bears on", "; ".join(
                    rule_titles.get(r, r) for r in m.rules)),)) for m in asked]))
    if ev.quotations:
        out.append(Section(
            "from_application", "Answers confirmed from the application document",
            intro=("Each answer an officer confirmed from the application (ccrules intake), "
                   "with the sentence it came from."), entries=[
                Entry(text=f"{q.label}: {q.answer}" + (" (edited by the officer)"
                                                       if q.edited else ""),
                      key=q.field, details=(("From the application", f"\u201c{q.quote}\u201d"
                                             + (f" ({q.where})" if q.where else "")),))
                for q in ev.quotations]))
    if ev.limits:
        out.append(Section("limits", "What a verdict means", intro=LIMITS_INTRO, entries=[
            Entry(text=f"{x.text} ({x.lines})") for x in ev.limits]))
    return out


def _title(ev: Evaluation, rule_id: str) -> str:
    return next((f.title for f in ev.findings if f.rule_id == rule_id), rule_id)


BRIEF_LIMITS = ("What a verdict means: ccrules' reading of one comparison of two programmes; "
                "severities, figures, caps and how findings add up are ccrules' or the "
                "funder's policy, not the paper's. It prompts the panel's judgement and does "
                "not predict success (limits at the end of the full report).")
LIMITS_INTRO = ("A verdict applies ccrules' reading of one published comparison of two "
                "programmes, with severities, figures, problem-fit caps and the ways findings "
                "add up that are ccrules' or the funder's policy, not the paper's; it "
                "prompts a panel's judgement and does not predict success.")


def _range(ev: Evaluation) -> str:
    return verdict_range(ev.verdict_range.best, ev.verdict_range.worst)


def build_report(ev: Evaluation) -> Report:
    """The report of one evaluation."""
    return Report(
        title=heading(ev), verdict=ev.verdict.value,
        verdict_words=verdict_words(ev.verdict), summary=ev.summary,
        brief=brief_sections(ev), sections=sections(ev),
        footer=(f"Ruleset {ev.ruleset.version} ({len(ev.ruleset.rules)} rules); verdict range "
                f"{_range(ev)}; completeness {percent(ev.completeness)}; evaluation {ev.id}, "
                f"{readable_date(ev.created_at)}"),
        meta={"ruleset": ev.ruleset.version, "completeness": percent(ev.completeness),
              "range": _range(ev), "created_at": readable_date(ev.created_at), "id": ev.id,
              "applicant": ev.applicant or ""})
