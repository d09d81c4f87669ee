"""docs/validity.md: what a verdict rests on, generated from the rule files and the policy
(a test fails when the committed copy is stale). Regenerate with
`ccrules rules validity --output docs/validity.md`."""

from __future__ import annotations

from ..rulebook.loader import Rulebook
from ..rulebook.model import Verdict
from .catalogue import cell

# Fixed text: what was decided on the second reading against the paper (issue 20), and why.
DECISIONS = [
    "## Decisions on labels and severities (issue 20)", "",
    "After a second reading of the rules against the paper. The evidence rows of the "
    "problem-fit table were revised separately and are not covered here.", "",
    "1. Basis of the problem-fit rows: `paper` only where the paper states the contrast and "
    "ccrules sets the cell.",
    "   - Each site designs its own plan (PF-01): `paper`. ILCOP showed that giving local "
    "teams too much control over what and how can weaken the impetus of shared ownership, and "
    "the Michigan case suggests customising the how but not the what (P:772-778). The cell "
    "(not recommended) is ccrules'.",
    "   - A menu of options (PF-10): `paper`. The paper offers the menu as a possible "
    "compromise (\"One compromise might be\", P:821-825). Capping it at conditional, because "
    "neither case tried one, is ccrules'.",
    "   - Not a bounded problem (PF-02): changed from `paper` to `interpretation`. The paper "
    "never mentions organisation-wide or multi-problem scopes; it speaks of \"bounded areas\" "
    "(P:813) and of Michigan's \"relatively bounded phenomenon\" (P:787).",
    "   - Mainly structural change (PF-03): `paper`. The paper contrasts improvements that "
    "depend primarily on behaviour or culture with large structural or resource-dependent "
    "change (P:811-814). The cell (not recommended) is ccrules'.",
    "   - A complex pathway or highly variable settings (PF-08): `paper`. The paper names a "
    "bounded practice in one fairly uniform kind of unit, against pathways across units "
    "organised very differently, among the problem features that may make some problems "
    "more amenable than others (P:780-790).",
    "   - Partly structural change (PF-09): `paper`. Improving lung cancer care \"sometimes "
    "entailed structural changes\" (P:799-801), against the paper's suggestion that clinical "
    "communities suit change resting primarily on behaviour (P:811-814). The cell "
    "(conditional) is ccrules'.",
    "2. Recommendations for a different programme (PF-02, PF-03) and for the limits the "
    "problem sets (PF-08, PF-09) now say which part is ccrules' reading. The paper suggests "
    "where clinical communities may fit (P:803-814); it says nothing of funding structural "
    "change by another route, or of separating the structural part. PF-08's menu is the "
    "paper's tentative compromise (P:821-825); a core shown to fit every kind of setting is "
    "ccrules'.",
    "3. Findings that add up. The rework rule's `why` and the `rework_dimensions` note no "
    "longer say that weaknesses compound: the synergy the paper describes is between vertical "
    "and horizontal forces (P:722-725), and it never counts weaknesses across dimensions. "
    "Counting major findings across dimensions is ccrules' policy and the number is the "
    "funder's. The volunteerism rule's `why` now says the rule itself is ccrules' policy; its "
    "lines (P:146-148; P:176-190; P:719-722; P:744-751) now match what its text cites.",
    "4. Escalation (enrolment requirement `escalation_agreement`, and IM-10's "
    "recommendation): a collectively agreed rule, not an agreement signed by site leadership. "
    "Michigan empowered nurses \"by writing this duty into collectively agreed rules\" and "
    "gave them access to executives or the core team (P:455-458); the Discussion speaks of "
    "\"standardised but collectively agreed rules\" (P:733). The enrolment requirements are "
    "hedged as commitments a funder might ask for: the paper says a design's hard tactics "
    "\"might include\" such requirements (P:747).",
    "5. `inner_core_max`: the figure of 2-3 is the paper's (P:538-539), but the paper does not "
    "say a larger core fails; using three as a maximum is ccrules' reading (the note and "
    "IM-03's rationale say so).",
    "6. Severities.",
    "   - CO-01 (too few regular community events): major to minor. Its figures are the "
    "funder's, and both programmes held events, so their existence cannot explain the "
    "difference; the paper points to Michigan's clear, resourced plans from the outset "
    "(P:469-471), and suggests ILCOP's virtual events drew few people partly because teams "
    "had not committed to them and leads had no dedicated time (P:488-491). Those factors "
    "are major findings of their own (CO-02, CO-07).",
    "   - CX-01 (incentives work against the programme): kept major, its title marked as "
    "ccrules' reading. The paper discusses alignment with wider incentives as double-edged "
    "(P:685-691) and advises \"cautious alignment\" (P:751); it never discusses incentives "
    "that work against a programme, and the case it did observe (no financial reason for "
    "managers to back further improvement, P:688-691) is CX-02, a minor. ccrules reads "
    "incentives that reward the opposite as worse than that gap and rates it major, as its "
    "own inference; the incentives are a fact no condition of award can secure, so while "
    "they are unknown the verdict is at most conditional and they are listed as a fact to "
    "establish (the review's scenario s4).",
    "   - BA-02: the sentence that vertical input and hard tactics were strongest where the "
    "community was strong (P:725-727) is now given as the paper's finding from both cases; "
    "Michigan is named only for its example (P:729-736).",
    "7. The menu (PF-10): its recommendation now says only what the applicant must do (keep "
    "every option tracked by the common measures, fed back to every site in near real time). "
    "The caution for the panel, to treat the menu as an untested design and watch it, is in "
    "the finding's message, since neither case tried a menu and the paper offers it "
    "tentatively (P:821).",
    "8. Wording: the problem-fit cells are called ccrules' caps (above); lesson L4's title "
    "is hedged as the paper hedges (\"it is not clear that a clinical community is the best "
    "way\", P:809-810); the 35 lessons are called ccrules' enumeration (below).",
]


UNKNOWNS = [
    "## Two kinds of unknown", "",
    "Every field of a proposal is either a *commitment* or a *fact* (the split is data in the "
    "field catalogue, `ccrules/proposal/fields.py`, and each open question in an evaluation "
    "carries its `kind`).", "",
    "- A commitment is something a funder can require as a condition of award: the "
    "enrolment section, the community plan and its events, measures and feedback, the core "
    "elements and customisation, the consensus phase, audit, toolkit, paid core staff, "
    "expertise, the inner core. The paper wants such commitments explicit before enrolment "
    "(\"clear plans (and allocated resources) from the outset\", P:470-471; hard tactics "
    "\"from the outset\", P:558-559), so an unstated one becomes a condition phrased as the "
    "commitment. The caveat is the paper's: minimum requirements can only be set where the "
    "intervention is defined (P:604-606).",
    "- A fact is something no condition can secure: the problem itself (evidence, scope, "
    "uniformity of settings, kind of change, departments, peripheral stakeholders, accepted "
    "benchmarks), the sites' context (how many are eligible, incentives, reorganisation, "
    "resource constraint) and the leads' standing (credibility, \"recognised for previous, "
    "successful improvement efforts\", P:396; the institutions and networks behind them). The "
    "paper sets programme design apart from \"intrinsic features of the clinical problem\" "
    "(P:784-786). An open fact is never a condition: it is listed as a fact to establish.",
]
CONTESTED = [
    "## Contested evidence, and a menu of one", "",
    "The paper never speaks of contested evidence: it contrasts a clear evidence base with an "
    "exploratory field that often had none (P:791-797). Contested evidence has a row of its own "
    "(PF-12, basis `interpretation`): at best conditional, with a consensus phase before "
    "technical work (lesson L18: Michigan's early calls let teams \"raise doubts\" before "
    "technical interventions began, P:500-504) and an evaluation that builds the evidence "
    "(P:806-808) among its conditions. Evidence that is `none` keeps PF-04 and PF-05 as "
    "before. Emerging evidence (PF-06) likewise brings its conditions. A menu needs at least "
    "two listed options: the paper speaks of choosing from \"a defined menu of options\" "
    "(P:822-824), so a menu of one listed option is read as a standardised core.",
]


def _fit_table(rulebook: Rulebook) -> list[str]:
    fit = rulebook.policy.problem_fit
    names = list(fit.designs)
    out = ["| kind of problem | " + " | ".join(names) + " | rules | paper | basis |",
           "|---|" + "---|" * (len(names) + 3)]
    for row in fit.rows:
        best = {n: Verdict.recommended for n in names}
        for finding in row.findings:
            for n in (names if finding.designs == ["all"] else finding.designs):
                if (finding.best.rank or 0) < (best[n].rank or 0):
                    best[n] = finding.best
        cells = [best[n].words for n in names]
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
            "is ccrules' cap, the best verdict ccrules allows a clinical community for that "
            "problem with that design. The paper suggests which problems clinical communities "
            "may suit best (P:803-814); the caps themselves are ccrules' policy. A problem may "
            "fall in several rows: the lowest cell holds. The rows are rules of the problem_fit "
            "dimension, decided by the rule engine like any other, so no declared design routes "
            "around them.",
            "2. A blocker decides: not recommended. Findings also add up (below), by ccrules' "
            "policy.",
            "3. Unknown answers count neither way, and they are of two kinds (below). An open "
            "fact keeps the verdict open where it could lower it: when the open facts decide "
            "between not recommended and a better verdict the verdict is "
            "`insufficient_information`, and where they could only bring a major finding it is "
            "conditional at most, with the facts listed to establish before the award. An open "
            "commitment is taken as secured by its condition of award: it makes the verdict "
            "conditional at most, never undecided or not recommended. `verdict_range` is the "
            "best and the worst verdict over the completions of the open facts, with open "
            "commitments so secured. So few stated facts that they decide fewer than "
            f"{policy.min_completeness:.0%} of the rules that can lower the verdict "
            "(`completeness`; the funder's policy) also give `insufficient_information`.",
            "4. Findings add up (below) on stated findings only, and findings that one stated "
            "answer explains count once, however many rules or dimensions they touch.",
            "", "## The problem-fit table", "",
            "Designs: " + "; ".join(f"**{n}**: {cell(d.label)}"
                                    for n, d in policy.problem_fit.designs.items()) + ".", ""]
    out += _fit_table(rulebook)
    out += ["", *UNKNOWNS, "", *CONTESTED]
    out += ["", "Basis \"paper\": the paper states the contrast the row rests on, and ccrules "
            "only sets the cell. Basis \"interpretation\": the paper does not speak of this kind "
            "of problem, and the row is ccrules' reading, not the paper's finding. Either way "
            "the cells are ccrules' caps.", "",
            "## When findings add up", "",
            "Both rules are ccrules' policy: the paper never adds findings up or counts "
            "weaknesses across dimensions.", "",
            "| rule | when | basis | paper | why |", "|---|---|---|---|---|"]
    for agg in policy.aggregation:
        out.append(f"| {agg.title} | {agg.describe()} | {agg.basis} | {agg.lines} | "
                   f"{cell(agg.why)} |")
    out += ["", "## Figures the rules use", "",
            "`funder`: the paper gives no figure, so the number is the funder's policy (conditions "
            "of award say so); `paper`: the figure is in the paper.", "",
            "| parameter | value | source | note |", "|---|---|---|---|"]
    out += [f"| `{name}` | {p.shown()} | {p.source} | {cell(p.note)} |"
            for name, p in policy.parameters.items()]
    out += ["", *DECISIONS]
    out += ["", "## Lessons, rules and the paper's lines", "",
            "The 35 lessons are ccrules' enumeration of the paper's lessons; the paper does not "
            "number them.", "",
            "| lesson | rule | severity | section | lines |", "|---|---|---|---|---|"]
    for lesson, ids in rulebook.lessons_covered().items():
        title = rulebook.lesson_title(lesson)
        for rid in ids:
            rule = rulebook.by_id[rid]
            out.append(f"| {lesson}{' ' + cell(title) if title else ''} | {rid} "
                       f"{cell(rule.title)} | {rule.severity.value} | {cell(rule.citation)} | "
                       f"{rule.lines} |")
    return "\n".join(out) + "\n"
