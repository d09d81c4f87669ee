"""The lessons file (rules/lessons.yaml): the paper's recommendations L1-L35, each with a
short title, a paraphrase, the section and the paper's lines. Checked at load like the rules:
every lesson present once, every lesson a rule cites exists, every lesson has a rule."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from ..errors import RuleProblem
from .model import LESSON_RANGE, Lesson, Rule

LESSONS_KEY = "lessons"
ALL_LESSONS = tuple(f"L{i}" for i in LESSON_RANGE)


def load_lessons(raw_docs: list[tuple[str, Any]], problems: list[RuleProblem]
                 ) -> tuple[str | None, dict[str, Lesson]]:
    """The lessons from the one document that has them (file name, lessons by id)."""
    docs = [(name, data[LESSONS_KEY]) for name, data in raw_docs if LESSONS_KEY in data]
    if not docs:
        problems.append(RuleProblem("lessons.yaml", "no lessons file: the rules need one "
                                    "document with 'lessons' (L1-L35: title, text, section, "
                                    "lines)"))
        return None, {}
    if len(docs) > 1:
        problems.append(RuleProblem(docs[1][0], "a second 'lessons' (there must be one)"))
    file, raw = docs[0]
    if not isinstance(raw, dict):
        problems.append(RuleProblem(file, "'lessons' must be a mapping of L1-L35 to "
                                    "{title, text, section, lines}"))
        return file, {}
    found: dict[str, Lesson] = {}
    for key, entry in raw.items():
        if key == "__line__":
            continue
        line = entry.get("__line__") if isinstance(entry, dict) else raw.get("__line__")
        if key not in ALL_LESSONS:
            problems.append(RuleProblem(file, f"lessons: {key!r} is not a lesson id (L1 to "
                                        f"L35)", line=line))
            continue
        data = {k: v for k, v in entry.items() if k != "__line__"} if isinstance(
            entry, dict) else entry
        try:
            found[key] = Lesson.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                where = ".".join(map(str, err["loc"]))
                problems.append(RuleProblem(file, f"lessons.{key}.{where}: {err['msg']}",
                                            line=line))
    missing = [lesson for lesson in ALL_LESSONS if lesson not in raw]
    if missing:
        problems.append(RuleProblem(file, f"lessons missing: {', '.join(missing)}"))
    return file, {lesson: found[lesson] for lesson in ALL_LESSONS if lesson in found}


def coverage_problems(file: str, lessons: dict[str, Lesson], rules: list[Rule]
                      ) -> list[RuleProblem]:
    """Every lesson a rule cites is in the lessons file; every lesson has a rule."""
    problems = []
    cited: set[str] = set()
    for rule in rules:
        cited |= set(rule.lessons)
        unknown = [lesson for lesson in rule.lessons if lesson not in lessons]
        if unknown:
            problems.append(RuleProblem(rule.file or "?", f"cites {', '.join(unknown)}, which "
                                        f"{file} does not have", rule.id, rule.line))
    for lesson in lessons:
        if lesson not in cited:
            problems.append(RuleProblem(file, f"lesson {lesson} ({lessons[lesson].title}) has "
                                        f"no rule"))
    return problems
