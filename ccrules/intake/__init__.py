"""From the applicant's document to a proposal (issue 25): read a PDF, a Word file, text or
Markdown, or pasted text (reading.py, bounded by its named limits), split it into sentences
(sentences.py) and suggest answers from the patterns beside the field catalogue
(patterns.py, ccrules/proposal/intake_patterns.yaml; suggest.py). A suggestion is never an
answer until a person confirms it (draft.py)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from .reading import (
    LIMITS_WORDS,
    MAX_CHARS,
    MAX_DOCUMENT_BYTES,
    MAX_PAGES,
    MAX_SECONDS,
    Deadline,
    Document,
    DocumentTooLarge,
    IntakeError,
    read_document,
    read_pasted,
)
from .suggest import Quote, Suggestion, suggest

__all__ = ["LIMITS_WORDS", "MAX_CHARS", "MAX_DOCUMENT_BYTES", "MAX_PAGES", "MAX_SECONDS",
           "Document", "DocumentTooLarge", "Intake", "IntakeError", "Quote", "Suggestion",
           "intake_bytes", "intake_text", "read_document", "read_pasted", "suggest"]


@dataclass
class Intake:
    """What reading one document gave: the document and the suggestions from it."""

    document: Document
    suggestions: list[Suggestion]
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {"document": {"name": self.document.name, "kind": self.document.kind,
                             "pages": self.document.pages, "characters": self.document.chars,
                             "paragraphs": len(self.document.blocks)},
                "suggestions": [s.as_dict() for s in self.suggestions],
                "seconds": round(self.seconds, 3),
                "note": "Suggestions are not answers: confirm, edit or clear each before "
                        "evaluating."}


def intake_bytes(data: bytes, name: str = "document") -> Intake:
    """Read a document's bytes and suggest answers, within MAX_SECONDS."""
    began = time.perf_counter()
    deadline = Deadline()
    document = read_document(data, name, deadline)
    return Intake(document, suggest(document, deadline=deadline), time.perf_counter() - began)


def intake_text(text: str, name: str = "pasted text") -> Intake:
    began = time.perf_counter()
    deadline = Deadline()
    document = read_pasted(text, name)
    return Intake(document, suggest(document, deadline=deadline), time.perf_counter() - began)
