"""How a stored evaluation is kept compactly, and read back byte for byte.

A stored result is the JSON text first returned; it quotes the rulebook at length (each
finding's message, rationale and recommendation, the lesson titles, the limits), so it is
kept as a blob: the text with every JSON string that is one of its ruleset's long strings
replaced by a short reference to a *codebook*, then zlib-compressed. The codebook (the
rulebook's strings as they appear escaped in JSON) is stored in the database under the
digest of its content, and the blob names that digest, so reading never depends on the
code or the rules of the day: only on stored data.

Formats, by the blob's first byte (a text value is a row from before compaction, kept as
it was written):

- 0x01: zlib of the UTF-8 text;
- 0x02: an 8-byte codebook digest, then zlib of the text in which each piece between two
  double quotes that is the codebook's string number N was replaced by \\x01N\\x02.

The substitution is exact whatever the text: pieces are cut at every double quote, only a
piece equal to a codebook string is replaced, and neither the text (JSON has no raw control
characters; a text that had one is stored as 0x01) nor a codebook string (escaped JSON) holds
\\x01 or \\x02, so reading replaces each reference by its string and gives the same text.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import zlib
from collections.abc import Iterable
from typing import Any
from weakref import WeakKeyDictionary

from ..proposal.fields import catalogue
from ..rulebook.loader import Rulebook

PLAIN, CODED = 1, 2
LEVEL = 6
MIN_LENGTH = 12  # shorter strings are left to zlib
_REFERENCE = re.compile("\x01(\\d+)\x02")


class Codebook:
    """The long strings of a rulebook (as escaped inside JSON), numbered, with a digest."""

    def __init__(self, strings: list[str]):
        self.strings = strings
        self.mark = {s: f"\x01{i}\x02" for i, s in enumerate(strings)}  # what replaces s
        self.json = json.dumps(strings, ensure_ascii=False)
        self.digest = hashlib.sha256(self.json.encode()).digest()[:8]


def _strings(value: Any, found: set[str]) -> None:
    if isinstance(value, str):
        if len(value) >= MIN_LENGTH:
            escaped = json.dumps(value, ensure_ascii=False)[1:-1]
            found.add(escaped)
            if '"' in escaped:  # a text cut at its quotes (\"): its pieces, as pack_result
                found.update(p for p in escaped.split('"') if len(p) >= MIN_LENGTH)
    elif isinstance(value, dict):
        for v in value.values():
            _strings(v, found)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _strings(v, found)


_books: WeakKeyDictionary[Rulebook, Codebook] = WeakKeyDictionary()
_lock = threading.Lock()


def codebook_for(rulebook: Rulebook) -> Codebook:
    """The codebook of a rulebook's texts (rules, policy, lessons, the field catalogue's
    labels and questions), made once per rulebook and freed with it."""
    with _lock:
        book = _books.get(rulebook)
        if book is None:
            found: set[str] = set()
            for rule in rulebook.rules:
                _strings(rule.model_dump(mode="json", exclude={"examples", "when"}), found)
            _strings(rulebook.policy.model_dump(mode="json"), found)
            _strings([lesson.model_dump(mode="json") for lesson in rulebook.lessons.values()],
                     found)
            _strings([[f.description, f.question] for f in catalogue().values()], found)
            book = _books[rulebook] = Codebook(sorted(found))
        return book


def pack(text: str) -> bytes:
    """Any text, compressed (format 0x01)."""
    return bytes([PLAIN]) + zlib.compress(text.encode(), LEVEL)


def pack_result(text: str, book: Codebook) -> bytes:
    """A result's JSON text against a codebook (format 0x02; 0x01 if the text holds a
    character the references use)."""
    if "\x01" in text or "\x02" in text:
        return pack(text)
    mark = book.mark.get
    coded = '"'.join([mark(p, p) for p in text.split('"')])
    return bytes([CODED]) + book.digest + zlib.compress(coded.encode(), LEVEL)


def digest_of(blob: bytes | str) -> bytes | None:
    """The codebook a stored value needs (None if it needs none)."""
    return bytes(blob[1:9]) if isinstance(blob, bytes) and blob[:1] == bytes([CODED]) else None


def unpack(blob: bytes | str, books: dict[bytes, list[str]] | None = None) -> str:
    """The text a stored value holds, exactly as it was written. `books` maps digests to
    codebook strings (Store.codebook fetches them)."""
    if isinstance(blob, str):
        return blob  # written before compaction
    kind = blob[0]
    if kind == PLAIN:
        return zlib.decompress(blob[1:]).decode()
    if kind == CODED and books is not None:
        strings = books[bytes(blob[1:9])]
        coded = zlib.decompress(blob[9:]).decode()
        return _REFERENCE.sub(lambda m: strings[int(m.group(1))], coded)
    raise ValueError(f"unknown stored format {kind}")


def pack_asks(conditions: Iterable[str], questions: Iterable[str],
              findings: Iterable[list[str]] = ()) -> bytes:
    """What a results workbook shows of an evaluation beyond its listing: the conditions'
    texts, the questions for the applicant, and the findings (rule, severity, title,
    message)."""
    return pack(json.dumps([list(conditions), list(questions), [list(f) for f in findings]],
                           ensure_ascii=False))


def unpack_asks(blob: bytes | str | None) -> tuple[list[str], list[str], list[list[str]]]:
    if blob is None:
        return [], [], []
    conditions, questions, *rest = json.loads(unpack(blob))
    return conditions, questions, rest[0] if rest else []


def findings_of(findings: Iterable[Any]) -> list[list[str]]:
    """The findings (dicts of a stored result, or Finding objects) as the asks keep them."""
    out = []
    for f in findings:
        get = f.get if isinstance(f, dict) else lambda k, f=f: getattr(f, k, "")
        severity = get("severity")
        out.append([str(get("rule_id")), str(getattr(severity, "value", severity)),
                    str(get("title")), str(get("message") or "")])
    return out


def asks_of_result(text: str) -> tuple[list[str], list[str], list[list[str]]]:
    """The conditions' texts, the questions and the findings, read from a result's JSON
    text."""
    result = json.loads(text)
    return ([c["text"] for c in result.get("conditions") or []],
            [m["question"] for m in result.get("missing") or []],
            findings_of(result.get("findings") or []))
