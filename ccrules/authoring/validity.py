"""docs/validity.md: what a verdict rests on, generated from the rule files and the policy
(a test fails when the committed copy is stale). Regenerate with
`ccrules rules validity --output docs/validity.md`."""

from __future__ import annotations

from ..rulebook.loader import Rulebook
from ..rulebook.model import Verdict
from .catalogue import cell

WORDS = {Verdict.not_recommended: "not recommended", Verdict.conditional: "conditional",
         Verdict.recommended: "recommended"}


def _fit_table(rulebook: Rulebook) -> list[str]:
    fit = rulebook.policy.problem_fit
    names = list(fit.designs)
    out = ["| kind of problem | " + " | ".join(names) + " | rules | paper | basis |",
           "|---|" + "---|" * (len(names) + 3)]
    for row in fit.rows:
        best = {n: Verdict.recommended for n in names}
        for finding in row.findings:
            for n in (names if finding.designs == ["all"] else finding.designs):
                if list(WORDS).index(finding.best) < list(WORDS).index(best[n]):
                    best[n] = finding.best
        cells = [WORDS[best[n]] for n in names]
        rules = ", ".join(f.id for f in row.findings)
        out.append(f"| {cell(row.kind)} | " + " | ".join(cells)
                   + f" | {rules} | {row.citation}, {row.lines} | {row.basis} |")
    return out


def render_validity(rulebook: Rulebook) -> str:
    policy = rulebook.policy
    out = ["# What a verdict rests on", "",
           "Generated from `rules/*.yaml` by `ccrules rules validity`; do not edit by hand.",
           f"Ruleset version `{rulebook.version}`. \"P:n\" is line n of the paper's text: "
           "Aveling, Martin, Herbert and Armstrong (2017), *Social Science & Medicine* "
           "173:96-103.", "",
           "## What a verdict means", "",
           "ccrules applies the lessons of one published comparison of two programmes. A verdict "
           "is a structured prompt for a funder's panel, not a prediction that a programme will "
           "succeed. The paper's own limits, which every report repeats:", ""]
    out += [f"- {cell(x.text)} ({x.lines})" for x in policy.limits]
    out += ["", "## How findings become a verdict", "",
            "1. Problem fit first. Each row of the table below is a kind of problem; each cell "
            "is the best verdict a clinical community can reach for it with that design. A "
            "problem may fall in several rows: the lowest cell holds. The rows are rules of the "
            "problem_fit dimension, decided by the rule engine like any other, so no declared "
            "design routes around them.",
            "2. A blocker decides: not recommended. Findings also add up (below).",
            "3. Unknown answers count neither way. The evaluation reports the best and the worst "
            "verdict over every completion of them (`verdict_range`). The verdict is the worst "
            "case; when the open answers decide between not recommended and a better verdict "
            "it is `insufficient_information`, and so it is when the stated facts decide fewer "
            f"than {policy.min_completeness:.0%} of the rules that can lower the verdict "
            "(`completeness`; the funder's policy). An open answer that could bring a major "
            "finding makes the verdict at most conditional, with a condition to confirm it.",
            "", "## The problem-fit table", "",
            "Designs: " + "; ".join(f"**{n}**: {cell(d.label)}"
                                    for n, d in policy.problem_fit.designs.items()) + ".", ""]
    out += _fit_table(rulebook)
    out += ["", "Basis \"interpretation\" marks a row where the paper is silent and the table is "
            "ccrules' reading, not the paper's finding.", "",
            "## When findings add up", "",
            "| rule | when | basis | paper | why |", "|---|---|---|---|---|"]
    for agg in policy.aggregation:
        when = (f"all of {', '.join(agg.all_of)} fire" if agg.all_of else
                f"major findings in at least {agg.at_least:g} of: "
                f"{', '.join(d.value for d in agg.dimensions)}")
        out.append(f"| {agg.title} | {when} | {agg.basis} | {agg.lines} | {cell(agg.why)} |")
    out += ["", "## Figures the rules use", "",
            "`funder`: the paper gives no figure, so the number is the funder's policy (conditions "
            "of award say so); `paper`: the figure is in the paper.", "",
            "| parameter | value | source | note |", "|---|---|---|---|"]
    out += [f"| `{name}` | {p.shown()} | {p.source} | {cell(p.note)} |"
            for name, p in policy.parameters.items()]
    out += ["", "## Lessons, rules and the paper's lines", "",
            "| lesson | rule | severity | section | lines |", "|---|---|---|---|---|"]
    for lesson, ids in rulebook.lessons_covered().items():
        title = rulebook.lesson_title(lesson)
        for rid in ids:
            rule = rulebook.by_id[rid]
            out.append(f"| {lesson}{' ' + cell(title) if title else ''} | {rid} "
                       f"{cell(rule.title)} | {rule.severity.value} | {cell(rule.citation)} | "
                       f"{rule.lines} |")
    return "\n".join(out) + "\n"
