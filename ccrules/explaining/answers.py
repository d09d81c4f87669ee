"""Questions and answers for guided mode (interview.py): how each open field is asked (its
choices in words; a number's ranges between the thresholds the rules compare it with), how a
typed answer is read, and the classes of answers the rules tell apart, which the ranking
judges. No I/O.

A number's range records the value inside it nearest its boundary ("less than 3 months"
records 2, "3 months or more" records 3), and says so; a number typed is taken as it is. A
list of names is asked for by its names, or "none": the rules read only how many there are.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from ..errors import ProposalError
from ..judging.judge import Judge
from ..proposal import words
from ..proposal.fields import DERIVED, FieldInfo, catalogue
from ..rulebook.conditions import compile_python, leaves

DONT_KNOW = object()  # the answer to a question the officer cannot answer: it is skipped
SKIP_WORDS = {"", "?", "don't know", "dont know", "do not know", "unknown", "skip"}
NONE_WORDS = {"none", "no", "nothing", "nobody", "none of these", "0"}
LETTERS = "abcdefghijklmnopqrstuvwxyz"


class AnswerError(ProposalError):
    """An answer that does not fit its question, worded for the person who gave it."""

    title = "Unusable answer"


@dataclass(frozen=True)
class Choice:
    key: str  # what a page sends back for it
    words: str
    value: Any  # the value recorded (a range's is the number inside it nearest its boundary)
    recorded: str = ""  # for a range, the value recorded, in words ("2 months")


@dataclass(frozen=True)
class Question:
    """One open question. `field` is the proposal's path (for machines, never shown)."""

    field: str
    kind: str  # "one" (a choice), "range" (a range or a number), "many" (members), "names"
    label: str
    text: str
    choices: tuple[Choice, ...]
    unit: str
    rules: tuple[str, ...]  # the undecided rules the answer bears on
    score: tuple[float, float] = (0.0, 0.0)  # (mean, worst) of what answers leave open
    can_decide: bool = False  # some answer decides the verdict

    def choice(self, key: str) -> Choice:
        for c in self.choices:
            if c.key == key:
                return c
        raise AnswerError(f"{self.label}: there is no such choice; pick one of those shown.")


def question(judge: Judge, facts: dict, path: str, rules: tuple[str, ...]) -> Question:
    """The question for one open field (unscored)."""
    info = catalogue()[path]
    return Question(path, info.kind.question, info.label,
                    info.question or info.description, tuple(_choices(judge, facts, info)),
                    info.unit.strip(), rules)


def mark(question: Question, i: int) -> str:
    """How a choice is numbered: 1, 2, 3... or a, b, c... for a number's ranges (so that a
    typed number is the number itself)."""
    return LETTERS[i] if question.kind == "range" else str(i + 1)


# -- reading answers ------------------------------------------------------------------------

def read_answer(question: Question, text: str) -> Any:
    """The value a typed answer gives (DONT_KNOW for blank, '?' or "don't know"): a choice by
    its number (a letter for a number's ranges) or its words, a number, choices separated by
    commas, or names separated by commas, semicolons or lines ('none' for none)."""
    said = " ".join(text.split()).lower()
    if said in SKIP_WORDS:
        return DONT_KNOW
    if question.kind == "names":
        if said in NONE_WORDS:
            return []
        return [n.strip() for n in re.split(r"[,;\n]", text) if n.strip()]
    if question.kind == "many":
        if said in NONE_WORDS:
            return []
        parts = [p.strip() for p in re.split(r"[,;]", said) if p.strip()]
        if len(parts) == 1 and all(p.isdigit() for p in said.split()):
            parts = said.split()  # "1 3" as well as "1, 3"
        return list(dict.fromkeys(_pick(question, p).value for p in parts))
    if question.kind == "range":
        typed = _typed_number(question, said)
        return _pick(question, said).value if typed is None else typed
    return _pick(question, said).value


def read_members(question: Question, keys: list[str]) -> list[str]:
    """The members ticked on a page (by their keys), checked against the question."""
    return [question.choice(k).value for k in dict.fromkeys(keys)]


def _pick(question: Question, said: str) -> Choice:
    """A choice by its number (or letter), its words or their unique start, or its
    machine name."""
    choices = question.choices
    for i, c in enumerate(choices):
        if said in (mark(question, i), c.words.lower(), str(c.value).lower(),
                    str(c.value).replace("_", " ").lower()):
            return c
    starts = [c for c in choices if said and c.words.lower().startswith(said)]
    if len(starts) == 1:
        return starts[0]
    if not choices:
        raise AnswerError(f"{question.label}: type a number.")
    marks = ", ".join(mark(question, i) for i in range(len(choices)))
    also = " or a number" if question.kind == "range" else ""
    raise AnswerError(f"{question.label}: {said!r} is not one of the choices; type one of "
                      f"{marks}{also}, or a choice's words.")


def _typed_number(question: Question, said: str) -> int | float | None:
    """A number typed, with or without its unit ('3', '3 months', '10%'); None if the
    answer is not a number."""
    match = re.fullmatch(r"(-?\d+(?:\.\d+)?)\s*(.*)", said)
    unit = question.unit.lower()
    if not match or (match.group(2) and not unit.startswith(match.group(2))):
        return None
    number = float(match.group(1))
    if not math.isfinite(number) or number < 0:
        raise AnswerError(f"{question.label}: type a number of 0 or more.")
    if catalogue()[question.field].kind.whole:
        if not number.is_integer():
            raise AnswerError(f"{question.label}: type a whole number.")
        return int(number)
    return int(number) if number.is_integer() else number


def checked(question: Question, value: Any) -> Any:
    """The value as JSON data, if it is of the question's kind (AnswerError if not)."""
    info = catalogue()[question.field]
    if not info.kind.question or not info.kind.fits(info, value):
        raise AnswerError(f"{question.label}: that answer does not fit this question.")
    return list(dict.fromkeys(value)) if isinstance(value, (list, tuple)) else value


# -- choices and classes of answers ---------------------------------------------------------

def classes(judge: Judge, facts: dict, q: Question) -> list[Any]:
    """One value (as a fact) of each class of answers the rules tell apart."""
    info = catalogue()[q.field]
    if not info.kind.is_list:
        return [c.value for c in q.choices]
    values = judge.domain(q.field) if info.values else _counts(judge, q.field)
    tests = _tests(judge, q.field)
    seen: dict[tuple, Any] = {}
    for v in values:
        changed = judge.with_changes(facts, {q.field: v})
        seen.setdefault(tuple(t(changed) for t in tests), v)
    return list(seen.values())


def _choices(judge: Judge, facts: dict, info: FieldInfo) -> list[Choice]:
    if info.kind.numeric:
        return [Choice(f"r{i}", w, v, _amount(info.path, v))
                for i, (w, v) in enumerate(_ranges(judge, facts, info))]
    return [Choice(v if isinstance(v, str) else w, w, v) for v, w in info.kind.options(info)]


def _tests(judge: Judge, path: str) -> list[Any]:
    """Every comparison the rules make on this field or on a fact derived first from it."""
    derived = {d.path for d in DERIVED if d.sources[0] == path}
    return [compile_python(leaf) for r in judge.rules for leaf in leaves(r.when)
            if leaf.field == path or leaf.field in derived]


def _thresholds(judge: Judge, path: str) -> list[float]:
    derived = [d.path for d in DERIVED if d.sources[0] == path]
    found: set[float] = set()
    for name in (path, *derived):
        cuts = judge.cuts.get(name, {})
        found |= set(cuts.get("numbers", ())) | set(cuts.get("counts", ()))
    return sorted(t for t in found if t >= 0)


def _counts(judge: Judge, path: str) -> list[tuple]:
    """Lists of names of every length the rules tell apart (for ranking only)."""
    counts = {0} | {n for t in _thresholds(judge, path)
                    for n in (math.floor(t), math.floor(t) + 1, max(0, math.ceil(t) - 1))}
    return [tuple(f"name {i + 1}" for i in range(n)) for n in sorted(counts)]


def _ranges(judge: Judge, facts: dict, info: FieldInfo) -> list[tuple[str, int | float]]:
    """(words, value recorded) for each range of a number the rules tell apart: the pieces
    between thresholds, merged where every comparison gives the same result."""
    top = info.kind.top
    integer = info.kind.whole
    tests = _tests(judge, info.path)
    merged: list[list] = []  # [lo, lo_closed, hi, hi_closed, results]
    for lo, lc, hi, hc in _pieces([t for t in _thresholds(judge, info.path) if t <= top],
                                  top, integer):
        changed = judge.with_changes(facts, {info.path: _inside(lo, lc, hi, hc, integer)})
        results = tuple(t(changed) for t in tests)
        if merged and merged[-1][4] == results:
            merged[-1][2:4] = [hi, hc]
        else:
            merged.append([lo, lc, hi, hc, results])
    return [(_range_words(info.path, lo, lc, hi, hc, integer, top),
             _inside(lo, lc, hi, hc, integer)) for lo, lc, hi, hc, _ in merged]


def _pieces(ts: list[float], top: float, integer: bool) -> list[tuple]:
    """The pieces the thresholds cut [0, top] into, (lo, lo_closed, hi, hi_closed): each
    threshold alone and the spans between, leaving out those that hold no whole number for a
    whole-number field."""
    pieces: list[tuple] = []
    lo, lc = 0.0, True
    for t in ts:
        if t > lo:
            pieces.append((lo, lc, t, False))
        if t > lo or lc:
            pieces.append((t, True, t, True))
        lo, lc = t, False
    if lo < top:
        pieces.append((lo, lc, top, top != math.inf))
    return [p for p in pieces if not integer or _has_whole(*p)]


def _has_whole(lo: float, lc: bool, hi: float, hc: bool) -> bool:
    first = math.ceil(lo) if lc else math.floor(lo) + 1
    return first < hi or (first == hi and hc)


def _inside(lo: float, lc: bool, hi: float, hc: bool, integer: bool) -> int | float:
    """The value recorded for a range: the number inside it nearest its boundary (its
    closed lower end; a range from 0 records the number just below its upper end)."""
    if lo == hi:
        value: float = lo
    elif lo == 0 and lc and hi != math.inf:
        value = math.floor(hi) if hc else (math.ceil(hi) - 1 if integer or hi > 1 else hi / 2)
    elif lc:
        value = math.ceil(lo) if integer else lo
    else:
        value = math.floor(lo) + 1
        if value > hi or (value == hi and not hc):
            value = (lo + hi) / 2
    return int(value) if float(value).is_integer() else value


def _amount(path: str, x: float) -> str:
    """A number with its unit, singular for one ('1 month', '3 months': words.amount)."""
    return catalogue()[path].amount(x)


def _range_words(path: str, lo: float, lc: bool, hi: float, hc: bool, integer: bool,
                 top: float) -> str:
    def amount(x: float) -> str:
        return _amount(path, x)
    if integer:  # whole numbers read best with closed ends: "1 to 2", "3 or more"
        lo = math.ceil(lo) if lc else math.floor(lo) + 1
        hi = hi if hi == math.inf else (math.floor(hi) if hc else math.ceil(hi) - 1)
        lc = hc = True
    if lo == hi:
        return "none" if lo == 0 else amount(lo)
    if hi == top:
        return f"{amount(lo)} or more" if lc else f"more than {amount(lo)}"
    if lo == 0 and lc:
        return f"{amount(hi)} or less" if hc else f"less than {amount(hi)}"
    if integer:
        return f"{words.number(lo)} to {amount(hi)}"
    return (f"{'at least' if lc else 'more than'} {words.number(lo)} and "
            f"{'at most' if hc else 'less than'} {amount(hi)}")
