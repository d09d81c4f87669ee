"""docs/rules.md: the rule catalogue, generated from the rule files (a test fails when the
committed copy is stale). Regenerate with `ccrules rules catalogue --output docs/rules.md`."""

from __future__ import annotations

from collections.abc import Mapping

from ..rulebook.loader import Rulebook
from ..rulebook.model import SEVERITY_ORDER


def lesson_rows(rulebook: Rulebook) -> list[dict]:
    """Every lesson with its title, paraphrase, section, lines and the rules that cite it."""
    covered = rulebook.lessons_covered()
    return [{"id": lesson_id, "title": lesson.title, "text": lesson.text,
             "section": lesson.section, "lines": lesson.lines, "rules": covered[lesson_id]}
            for lesson_id, lesson in rulebook.lessons.items()]


def cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _lessons(rulebook: Rulebook, ids: list[str]) -> str:
    return ", ".join(f"{x} ({rulebook.lesson_title(x)})" if rulebook.lesson_title(x) else x
                     for x in ids)


def _overridden(overrides: Mapping[str, tuple[int, int]], rule_id: str) -> str:
    set_aside, fired = overrides.get(rule_id, (0, 0))
    return f"{set_aside} of {fired} ({round(100 * set_aside / fired)}%)" if fired else "not fired"


def render_catalogue(rulebook: Rulebook,
                     overrides: Mapping[str, tuple[int, int]] | None = None) -> str:
    """The catalogue; with `overrides` (rule id to (set aside, fired) over the panels'
    current decisions), a column with each rule's override rate."""
    extra = overrides is not None
    out = ["# Rule catalogue", "",
           "Generated from `rules/*.yaml` by `ccrules rules catalogue`; do not edit by hand.",
           f"Ruleset version `{rulebook.version}`, {len(rulebook.rules)} rules. Sections refer to "
           "Aveling et al. (2017), *Social Science & Medicine* 173:96-103.", ""]
    if extra:
        out += ["*Set aside by panels*: of the decided evaluations in which the rule's finding "
                "fired, how many set it aside (each evaluation's current decision).", ""]
    for dim, info in rulebook.policy.dimensions.items():
        rules = sorted((r for r in rulebook.rules if r.dimension == dim),
                       key=lambda r: (SEVERITY_ORDER[r.severity], r.id))
        out += [f"## {info.title}", "", cell(info.description), "",
                "| id | title | severity | lessons | section | lines | recommendation |"
                + (" set aside by panels |" if extra else ""),
                "|---|---|---|---|---|---|---|" + ("---|" if extra else "")]
        out += [f"| {r.id} | {cell(r.title)} | {r.severity.value} | "
                f"{_lessons(rulebook, r.lessons)} | {cell(r.citation)} | {r.lines} | "
                f"{cell(r.recommendation)} |"
                + (f" {_overridden(overrides, r.id)} |" if overrides is not None else "")
                for r in rules]
        out.append("")
    out += ["## Lessons to rules", "", "| lesson | title | section | lines | rules |",
            "|---|---|---|---|---|"]
    covered = rulebook.lessons_covered()
    for lesson, ids in covered.items():
        found = rulebook.lessons.get(lesson)
        out.append(f"| {lesson} | {cell(found.title) if found else ''} | "
                   f"{found.section if found else ''} | {found.lines if found else ''} | "
                   f"{', '.join(ids) or '**none**'} |")
    return "\n".join(out) + "\n"
