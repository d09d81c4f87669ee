"""Measuring suggestions against stated answers (bench.intake and the acceptance test).

Precision: of the fields given a suggestion, the share whose suggestion is right. Recall:
of the fields the text states, the share given a right suggestion. A suggestion for a
field the text does not state is wrong. A list is right when every item suggested is
stated (a list may be right and still incomplete: `complete` counts those equal in full);
names are compared loosely (case, articles, small spelling differences aside)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz

from ..proposal import kinds as K
from ..proposal.fields import catalogue
from .suggest import Suggestion

NAME_SIMILARITY = 85  # rapidfuzz token_sort_ratio at which two names are the same
_SKIPPED = ("assumed", "descriptive", "redesign")


def _norm(text: str) -> str:
    text = text.lower().replace("_", " ")
    text = re.sub(r"\([^)]*\)", " ", text)
    return " ".join(w for w in re.findall(r"[\w%-]+", text) if w not in ("a", "an", "the"))


def same_name(a: str, b: str) -> bool:
    return fuzz.token_sort_ratio(_norm(a), _norm(b)) >= NAME_SIMILARITY


def right(path: str, got: Any, expected: Any) -> tuple[bool, bool]:
    """(right, complete) for one suggestion against the stated answer."""
    kind = catalogue()[path].kind
    if isinstance(kind, K.Choices):
        ok = set(got) <= set(expected) and (bool(got) or not expected)
        return ok, ok and set(got) == set(expected)
    if isinstance(kind, K.Names):
        unmatched = list(expected)
        for item in got:
            hit = next((e for e in unmatched if same_name(item, e)), None)
            if hit is None:
                return False, False
            unmatched.remove(hit)
        ok = bool(got) or not expected
        return ok, ok and not unmatched
    if isinstance(kind, (K.Whole, K.Number)) and not isinstance(got, bool):
        ok = isinstance(expected, (int, float)) and abs(float(got) - float(expected)) < 1e-6
        return ok, ok
    return got == expected, got == expected


@dataclass
class FieldScore:
    suggested: int = 0
    right: int = 0
    complete: int = 0
    stated: int = 0  # fields in the recall set
    found: int = 0  # of those, given a right suggestion
    wrong: list[str] = field(default_factory=list)


def score(results: list[tuple[str, list[Suggestion], dict[str, Any], set[str]]]
          ) -> dict[str, FieldScore]:
    """Per field, over (name, suggestions, stated answers, recall fields) for each text."""
    scores: dict[str, FieldScore] = {}
    for name, suggestions, stated, recall in results:
        given = {s.field: s for s in suggestions}
        for path, s in given.items():
            fs = scores.setdefault(path, FieldScore())
            fs.suggested += 1
            ok, complete = right(path, s.value, stated[path]) if path in stated else (False,
                                                                                     False)
            fs.right += ok
            fs.complete += complete
            if not ok:
                fs.wrong.append(f"{name}: {s.value!r} (stated: {stated.get(path, 'nothing')!r})")
        for path in recall:
            fs = scores.setdefault(path, FieldScore())
            fs.stated += 1
            hit = given.get(path)
            fs.found += bool(hit and right(path, hit.value, stated[path])[0])
    return scores


def totals(scores: dict[str, FieldScore]) -> dict[str, Any]:
    suggested = sum(s.suggested for s in scores.values())
    rights = sum(s.right for s in scores.values())
    stated = sum(s.stated for s in scores.values())
    found = sum(s.found for s in scores.values())
    return {"suggested": suggested, "right": rights, "stated": stated, "found": found,
            "precision": round(rights / suggested, 3) if suggested else None,
            "recall": round(found / stated, 3) if stated else None}


# --- the paper's two cases, read as applications -------------------------------------------

SECTIONS = {"michigan-keystone": (269, 312), "ilcop": (313, 362)}  # §2.1, §2.2 (P:lines)


def flat(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out.update(flat(value, prefix + key + "."))
        else:
            out[prefix + key] = value
    return out


def answerable(path: str) -> bool:
    """The fields intake may fill (not the title, summary, applicant or reference)."""
    info = catalogue().get(path)
    return info is not None and not isinstance(info.kind, (K.Text, K.MenuOptions))


def cited_within(note: str, lines: tuple[int, int]) -> bool:
    """Whether a provenance note rests on lines of the paper inside `lines` (a note that
    says its value is assumed, descriptive or a redesign rests on none)."""
    if note.strip().lower().startswith(_SKIPPED):
        return False
    for a, b in re.findall(r"P:(\d+)(?:-(\d+))?", note):
        lo, hi = int(a), int(b or a)
        if lines[0] <= lo and hi <= lines[1]:
            return True
    return False


def paper_case(examples: Path, name: str) -> tuple[dict[str, Any], set[str]]:
    """An example's stated answers, and the fields whose provenance lies in its section."""
    stated = {p: v for p, v in flat(json.loads((examples / f"{name}.json").read_text(
        encoding="utf-8"))).items() if answerable(p)}
    notes = yaml.safe_load((examples / "provenance.yaml").read_text(encoding="utf-8"))[name]
    recall = {p for p, note in notes.items()
              if p in stated and cited_within(str(note), SECTIONS[name])}
    return stated, recall


def section_text(paper: Path, name: str) -> str:
    lo, hi = SECTIONS[name]
    return "\n".join(paper.read_text(encoding="utf-8").splitlines()[lo - 1:hi])
