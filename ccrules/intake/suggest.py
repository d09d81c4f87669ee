"""Suggested answers from a document's sentences: for each field the text speaks to, a value
with the sentence it rests on (and its page or paragraph) and the words that matched.
A phrase in a negated or hedged clause suggests nothing; silence suggests nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field as default
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ..proposal import kinds as K
from ..proposal.fields import catalogue
from ..proposal.model import Proposal
from .patterns import COUNT, ITEMS, NAMES, NUMBER, Entry, Patterns, builtin_patterns
from .reading import Deadline, Document
from .sentences import matchers, nlp

if TYPE_CHECKING:  # pragma: no cover
    from spacy.tokens import Doc, Span

# Where a clause ends, for the negation and hedge check.
_BOUNDARY_PUNCT = {",", ";", ":", "(", ")", "\u2014", "\u2013"}
_BOUNDARY_WORDS = {"but", "although", "though", "whereas", "while", "however"}
_ITEM_END = {";", ".", ":"}
_CONNECTORS = {"of", "for", "&", "de", "in"}
_ARTICLES = {"a", "an", "the"}

_NUMBER_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
_NUMBER_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
                      "eighty": 80, "ninety": 90, "hundred": 100, "a": 1, "an": 1})


def number_value(text: str) -> float | None:
    """'103' -> 103, '1,000' -> 1000, 'three' -> 3, '2.5' -> 2.5; None if not a number."""
    t = text.lower().replace(",", "")
    if t in _NUMBER_WORDS:
        return _NUMBER_WORDS[t]
    try:
        return float(t)
    except ValueError:
        return None


@dataclass(frozen=True)
class Quote:
    """A sentence of the document, where it is, and the words in it that matched."""

    text: str
    evidence: tuple[str, ...]
    page: int | None = None
    paragraph: int | None = None

    @property
    def where(self) -> str:
        parts = [f"page {self.page}"] if self.page is not None else []
        if self.paragraph is not None:
            parts.append(f"paragraph {self.paragraph}")
        return ", ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "evidence": list(self.evidence), "page": self.page,
                "paragraph": self.paragraph, "where": self.where}


@dataclass
class Suggestion:
    """A suggested answer: never an answer until an officer confirms it."""

    field: str
    value: Any
    quotes: list[Quote]
    also_read: list[tuple[Any, Quote]] = default(default_factory=list)  # values that disagree

    @property
    def label(self) -> str:
        return catalogue()[self.field].label

    @property
    def words(self) -> str:
        return catalogue()[self.field].words(self.value)

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "label": self.label, "value": self.value,
                "words": self.words, "status": "suggested",
                "quotes": [q.as_dict() for q in self.quotes],
                "also_read": [{"value": v, "words": catalogue()[self.field].words(v),
                               "quote": q.as_dict()}
                    for v, q in self.also_read]}


@dataclass
class _Found:
    entry: Entry
    order: int  # the entry's place in the file
    value: Any
    quote: Quote
    position: int  # where in the document, for ties
    span: tuple[int, int, int]  # doc index, start, end (for overlaps in list fields)


def _clause(span: Span) -> Span:
    sent = span.sent
    doc = span.doc
    start = span.start
    while start > sent.start and not _is_boundary(doc[start - 1]):
        start -= 1
    end = span.end
    while end < sent.end and not _is_boundary(doc[end]):
        end += 1
    return doc[start:end]


def _is_boundary(token: Any) -> bool:
    return token.text in _BOUNDARY_PUNCT or token.lower_ in _BOUNDARY_WORDS


def _denied(span: Span, entry: Entry, patterns: Patterns) -> bool:
    """Whether a negation or a hedge in the phrase's clause takes back what it says."""
    clause = _clause(span)
    doc = span.doc
    if not entry.condition_ok and any(
            t.lower_ in patterns.conditionals for t in doc[span.sent.start:clause.end]):
        return True  # "if funding allows, ..." or "... if funding allows"
    for token in clause:
        inside = span.start <= token.i < span.end
        low = token.lower_
        if low in patterns.negations:
            if entry.negative and inside:
                continue
            if token.i >= 2 and doc[token.i - 1].lower_ in ("does", "do", "did") and \
                    doc[token.i - 2].lower_ in ("that", "who", "which"):
                continue  # "a team that does not submit ... will leave": a condition
            return True
        if low in patterns.hedges:
            if entry.modal_ok and low in patterns.modals:
                continue
            return True
    lowered = [t.lower_ for t in clause]
    for phrase in patterns.hedge_phrases:
        n = len(phrase)
        if any(tuple(lowered[i:i + n]) == phrase for i in range(len(lowered) - n + 1)):
            return True
    return False


def _items(doc: Doc, start: int, end_limit: int) -> list[str]:
    """The items a clause lists from `start`: split at commas and at the last 'and' (unless
    a comma comes before it), parentheses left out."""
    tokens = []
    depth = 0
    for token in doc[start:end_limit]:
        if token.text in _ITEM_END and depth == 0:
            break
        if token.text == "(":
            depth += 1
            continue
        if token.text == ")":
            depth = max(0, depth - 1)
            continue
        if depth == 0:
            tokens.append(token)
    text = "".join(t.text_with_ws for t in tokens).strip()
    parts = re.split(r"\s*,\s*", text)
    if not parts[-1].startswith(("and ", "or ")):  # "a, b and c": the last two are two
        parts[-1:] = re.split(r"\s+and\s+", parts[-1])
    out = []
    for part in parts:
        part = re.sub(r"^(?:and|or)\s+", "", part.strip()).strip(" .")
        if part:
            out.append(" ".join(part.split()))
    return out


def _names(doc: Doc, start: int, end_limit: int) -> list[str]:
    """The capitalised names after `start`: 'the Royal College of Obstetricians and
    Gynaecologists and the University of Leeds' -> two names."""
    names: list[str] = []
    run: list[Any] = []
    tokens = list(doc[start:end_limit])

    def close() -> None:
        while run and run[-1].lower_ in _CONNECTORS | {"and"}:
            run.pop()
        if run:
            names.append("".join(t.text_with_ws for t in run).strip())
        run.clear()

    for i, token in enumerate(tokens):
        capital = token.is_title or (token.is_upper and len(token.text) > 1)
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        after = tokens[i + 2] if i + 2 < len(tokens) else None
        if capital:
            run.append(token)
        elif run and token.lower_ in _CONNECTORS and nxt is not None and nxt.is_title:
            run.append(token)
        elif run and token.lower_ == "and" and nxt is not None and nxt.is_title and \
                any(t.lower_ == "of" for t in run) and (after is None or not after.is_title):
            run.append(token)  # "... of Obstetricians and Gynaecologists"
        elif token.lower_ in _ARTICLES | {"and", ","} or token.text in ("'s",):
            close()
        else:
            close()
            if names:
                break
    close()
    return names


def _value(found_span: Span, entry: Entry) -> Any:
    doc = found_span.doc
    sent = found_span.sent
    if entry.value == NUMBER:
        for token in found_span:
            if token.like_num:
                n = number_value(token.text)
                if n is not None:
                    return int(n) if float(n).is_integer() else n
        return None
    if entry.value == COUNT:
        items = _items(doc, found_span.end, sent.end)
        return len(items) or None
    if entry.value == ITEMS:
        return _items(doc, found_span.end, sent.end) or None
    if entry.value == NAMES:
        return _names(doc, found_span.end, sent.end) or None
    return entry.value


def _valid(path: str, value: Any) -> bool:
    """Whether the value fits the field's own bounds (the Proposal model decides)."""
    data: dict[str, Any] = {}
    node = data
    parts = path.split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value
    try:
        Proposal.model_validate(data)
    except ValidationError:
        return False
    return True


def suggest(document: Document, patterns: Patterns | None = None,
            deadline: Deadline | None = None) -> list[Suggestion]:
    """Suggestions for every field the document speaks to, in the catalogue's order."""
    patterns = patterns or builtin_patterns()
    deadline = deadline or Deadline()
    phrases, within = matchers(patterns)
    order = {key: i for i, key in enumerate(patterns.entries)}
    found: list[_Found] = []
    texts = [b.text for b in document.blocks]
    for index, (block, doc) in enumerate(zip(document.blocks, nlp().pipe(texts, batch_size=64),
                                             strict=True)):
        if index % 32 == 0:
            deadline.check()
        within_hits: dict[str, set[int]] = {}
        for key_id, start, _ in within(doc):
            within_hits.setdefault(nlp().vocab.strings[key_id], set()).add(
                doc[start].sent.start)
        seen: set[tuple[str, int]] = set()
        for key_id, start, end in sorted(phrases(doc), key=lambda m: (m[1], m[2] - m[1])):
            key = nlp().vocab.strings[key_id]
            entry = patterns.entries[key]
            span = doc[start:end]
            sent = doc[start].sent
            if doc[end - 1].sent.start != sent.start or (key, start) in seen:
                continue  # a phrase never reaches across sentences; one match per start
            seen.add((key, start))
            if entry.within and sent.start not in within_hits.get("within:" + key, set()):
                continue
            if _denied(span, entry, patterns):
                continue
            value = _value(span, entry)
            if value is None:
                continue
            text = sent.text.strip()
            evidence = [span.text]
            if isinstance(value, list):  # the names and items read, where the text has them
                evidence += [v for v in value if isinstance(v, str) and v in text]
            quote = Quote(text, tuple(evidence), block.page, block.paragraph)
            found.append(_Found(entry, order[key], value, quote,
                                index * 1_000_000 + start, (index, start, end)))
    return _combine(found)


def _combine(found: list[_Found]) -> list[Suggestion]:
    by_field: dict[str, list[_Found]] = {}
    for f in found:
        by_field.setdefault(f.entry.field, []).append(f)
    out = []
    for path in catalogue():
        hits = by_field.get(path)
        if not hits:
            continue
        if isinstance(catalogue()[path].kind, K.Choices):
            suggestion = _listed(path, hits)
        else:
            hits.sort(key=lambda f: (f.order, f.position))
            best = hits[0]
            others: list[tuple[Any, Quote]] = []
            for f in hits[1:]:
                if f.quote.text == best.quote.text and f.quote.where == best.quote.where:
                    continue  # the same sentence read less specifically: the earlier wins
                if f.value != best.value and all(f.value != v for v, _ in others):
                    others.append((f.value, f.quote))
            suggestion = Suggestion(path, best.value, [best.quote], others)
        if suggestion and _valid(path, suggestion.value):
            out.append(suggestion)
    return out


def _listed(path: str, hits: list[_Found]) -> Suggestion | None:
    """A list of choices: every member found, a longer phrase winning over one inside it
    ('nurse specialist' over 'nurse'); one quotation per sentence, with its matched words."""
    kept = [f for f in hits if not any(
        o is not f and o.span[0] == f.span[0] and o.span[1] <= f.span[1] and
        f.span[2] <= o.span[2] and (o.span[2] - o.span[1]) > (f.span[2] - f.span[1])
        for o in hits)]
    if not kept:
        return None
    choices = catalogue()[path].values
    values = sorted({f.value for f in kept}, key=choices.index)
    quotes: dict[tuple[str, int | None, int | None], list[str]] = {}
    for f in sorted(kept, key=lambda f: f.position):
        k = (f.quote.text, f.quote.page, f.quote.paragraph)
        evidence = quotes.setdefault(k, [])
        for e in f.quote.evidence:
            if e not in evidence:
                evidence.append(e)
    return Suggestion(path, values, [Quote(t, tuple(ev), page, para)
                                     for (t, page, para), ev in quotes.items()])
