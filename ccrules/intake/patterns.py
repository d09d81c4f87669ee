"""The intake patterns (ccrules/proposal/intake_patterns.yaml), loaded, checked against the
field catalogue and compiled into spaCy token patterns for one Matcher."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from ..errors import CcrulesError
from ..proposal import kinds as K
from ..proposal.fields import catalogue

NUMBER, COUNT, ITEMS, NAMES = "number", "count", "items", "names"
EXTRACTED = {NUMBER, COUNT, ITEMS, NAMES}
# which extracted values suit which kinds of field (the first class the kind is wins)
_EXTRACTS_FOR: tuple[tuple[type, set[str]], ...] = (
    (K.Percentage, {NUMBER}), (K.Whole, {NUMBER, COUNT}), (K.Number, {NUMBER, COUNT}),
    (K.Names, {ITEMS, NAMES}))
_ENTRY_KEYS = {"value", "match", "within", "modal_ok", "negative", "condition_ok"}


class PatternError(CcrulesError):
    title = "Invalid intake patterns"
    status = 500


@dataclass(frozen=True)
class Entry:
    """One way of stating a field's answer."""

    key: str  # the Matcher key: field#index
    field: str
    value: Any
    phrases: tuple[str, ...]
    within: tuple[str, ...]
    modal_ok: bool = False
    negative: bool = False
    condition_ok: bool = False

    @property
    def extracted(self) -> bool:
        return isinstance(self.value, str) and self.value in EXTRACTED


@dataclass(eq=False)  # hashed by identity: its Matcher is built once (sentences.py)
class Patterns:
    entries: dict[str, Entry]  # by key, in the file's order
    negations: frozenset[str]
    hedges: frozenset[str]
    hedge_phrases: tuple[tuple[str, ...], ...]
    modals: frozenset[str]
    conditionals: frozenset[str]
    token_patterns: dict[str, list[list[dict]]]  # key -> its phrases compiled
    within_patterns: dict[str, list[list[dict]]]  # "within:" + key -> its phrases compiled


def _tokenise(text: str) -> list[str]:
    from .sentences import nlp
    return [t.lower_ for t in nlp().tokenizer(text)]


def _alternative(word: str) -> str:
    return re.escape(word[:-1]) + r"\w*" if word.endswith("*") else re.escape(word)


def compile_phrase(phrase: str, sets: dict[str, list[str]]) -> list[dict]:
    """A phrase in the file's notation (see its header) as a spaCy token pattern."""
    out: list[dict] = []
    for part in phrase.split():
        optional = len(part) > 1 and part.endswith("?")
        if optional:
            part = part[:-1]
        gap = re.fullmatch(r"\.\.(\d*)", part)
        if gap:
            out.append({"OP": "{0,%d}" % int(gap.group(1) or 4)})
            continue
        tokens: list[dict]
        if part == "#":
            tokens = [{"LIKE_NUM": True}]
        elif part.startswith("@"):
            if part[1:] not in sets:
                raise PatternError(f"phrase {phrase!r}: no word set {part!r} (sets: "
                                   f"{', '.join(sorted(sets))})")
            tokens = [{"LOWER": {"IN": [w.lower() for w in sets[part[1:]]]}}]
        elif "|" in part or part.endswith("*"):
            words = part.lower().split("|")
            if any(len(_tokenise(w.rstrip("*"))) != 1 for w in words):
                raise PatternError(f"phrase {phrase!r}: each of {part!r} must be one word")
            if any(w.endswith("*") for w in words):
                regex = "^(?:" + "|".join(_alternative(w) for w in words) + ")$"
                tokens = [{"LOWER": {"REGEX": regex}}]
            else:
                tokens = [{"LOWER": {"IN": words}}]
        else:
            tokens = [{"LOWER": t} for t in _tokenise(part)]
        if optional:
            if len(tokens) != 1:
                raise PatternError(f"phrase {phrase!r}: only one word can be optional "
                                   f"({part!r} is several)")
            tokens[0]["OP"] = "?"
        out.extend(tokens)
    if not out or all("OP" in t for t in out):
        raise PatternError(f"phrase {phrase!r} matches nothing definite")
    return out


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(s, str) and s.strip() for s in items):
        raise PatternError(f"{where}: expected a phrase or a list of phrases")
    return tuple(items)


def _check_value(path: str, value: Any, where: str) -> None:
    info = catalogue()[path]
    kind = info.kind
    if isinstance(value, str) and value in EXTRACTED:
        suits = next((ok for cls, ok in _EXTRACTS_FOR if isinstance(kind, cls)), set())
        if value not in suits:
            raise PatternError(f"{where}: {value!r} cannot give a {kind.name} answer")
        return
    if isinstance(kind, (K.Choice, K.Choices)):
        if value not in info.values:
            raise PatternError(f"{where}: {value!r} is not a choice of {path} (choices: "
                               f"{', '.join(info.values)})")
    elif isinstance(kind, K.YesNo):
        if not isinstance(value, bool):
            raise PatternError(f"{where}: {path} is yes or no: value must be true or false")
    elif isinstance(kind, (K.Whole, K.Number)):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise PatternError(f"{where}: {path} is a number: value must be a number, or "
                               f"'number' or 'count'")
    else:
        raise PatternError(f"{where}: {path} is a {kind.name} field, which intake does not "
                           f"fill")


def parse_patterns(data: Any, source: str = "intake_patterns.yaml") -> Patterns:
    """Check and compile the patterns; PatternError names the first fault and its field."""
    if not isinstance(data, dict) or not isinstance(data.get("fields"), dict):
        raise PatternError(f"{source}: expected a mapping with 'fields'")
    sets = data.get("sets") or {}
    fields = catalogue()
    entries: dict[str, Entry] = {}
    compiled: dict[str, list[list[dict]]] = {}
    within_compiled: dict[str, list[list[dict]]] = {}
    for path, items in data["fields"].items():
        where = f"{source}: {path}"
        if path not in fields or path.startswith("derived."):
            from ..suggestions import suggest
            hint = suggest(path, [p for p in fields if not p.startswith("derived.")])
            raise PatternError(f"{where}: no such field{hint}")
        if not isinstance(items, list) or not items:
            raise PatternError(f"{where}: expected a list of entries")
        shared: tuple[str, ...] = ()
        for i, item in enumerate(items):
            at = f"{where}, entry {i + 1}"
            if not isinstance(item, dict) or set(item) - _ENTRY_KEYS:
                raise PatternError(f"{at}: an entry has only {', '.join(sorted(_ENTRY_KEYS))}")
            if set(item) == {"within"}:
                shared += _strings(item["within"], at)
                continue
            if "value" not in item or "match" not in item:
                raise PatternError(f"{at}: an entry needs a value and a match")
            _check_value(path, item["value"], at)
            key = f"{path}#{i}"
            entry = Entry(key, path, item["value"], _strings(item["match"], at),
                          shared + _strings(item.get("within"), at),
                          bool(item.get("modal_ok")), bool(item.get("negative")),
                          bool(item.get("condition_ok")))
            try:
                compiled[key] = [compile_phrase(p, sets) for p in entry.phrases]
                if entry.within:
                    within_compiled["within:" + key] = [compile_phrase(p, sets)
                                                        for p in entry.within]
            except PatternError as exc:
                raise PatternError(f"{at}: {exc.detail}") from None
            entries[key] = entry
    words = {}
    for name in ("negations", "hedges", "modals", "conditionals"):
        listed = data.get(name) or []
        odd = [w for w in listed if not isinstance(w, str)]
        if odd:  # YAML reads a bare no, yes, on or off as true or false
            raise PatternError(f"{source}: {name}: {odd[0]!r} is not a word (write words "
                               f"such as \"no\" in quotes)")
        words[name] = frozenset(w.lower() for w in listed)
    phrases = tuple(tuple(_tokenise(p)) for p in data.get("hedge_phrases") or [])
    return Patterns(entries, words["negations"], words["hedges"], phrases, words["modals"],
                    words["conditionals"], compiled, within_compiled)


PATTERNS_FILE = "intake_patterns.yaml"


def pattern_text() -> str:
    return resources.files("ccrules.proposal").joinpath(PATTERNS_FILE).read_text("utf-8")


@cache
def builtin_patterns() -> Patterns:
    return parse_patterns(yaml.safe_load(pattern_text()), PATTERNS_FILE)
