"""docs/rules.md: the rule catalogue, generated from the rule files (a test fails when the
committed copy is stale). Regenerate with `ccrules rules catalogue --output docs/rules.md`."""

from __future__ import annotations

from ..rulebook.loader import Rulebook
from ..rulebook.model import SEVERITY_ORDER


def cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def render_catalogue(rulebook: Rulebook) -> str:
    out = ["# Rule catalogue", "",
           "Generated from `rules/*.yaml` by `ccrules rules catalogue`; do not edit by hand.",
           f"Ruleset version `{rulebook.version}`, {len(rulebook.rules)} rules. Sections refer to "
           "Aveling et al. (2017), *Social Science & Medicine* 173:96-103.", ""]
    for dim, info in rulebook.policy.dimensions.items():
        rules = sorted((r for r in rulebook.rules if r.dimension == dim),
                       key=lambda r: (SEVERITY_ORDER[r.severity], r.id))
        out += [f"## {info.title}", "", cell(info.description), "",
                "| id | title | severity | lessons | section | recommendation |",
                "|---|---|---|---|---|---|"]
        out += [f"| {r.id} | {cell(r.title)} | {r.severity.value} | {', '.join(r.lessons)} | "
                f"{cell(r.citation)} | {cell(r.recommendation)} |" for r in rules]
        out.append("")
    out += ["## Lessons to rules", "", "| lesson | rules |", "|---|---|"]
    out += [f"| {lesson} | {', '.join(ids) or '**none**'} |"
            for lesson, ids in rulebook.lessons_covered().items()]
    return "\n".join(out) + "\n"
