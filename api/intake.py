"""Starting from the application document: `POST /api/v1/intake` (a document in, its
suggested answers out, nothing stored) and the page "Start from the application document",
which opens the proposal form pre-filled with each suggestion marked as suggested and its
sentence beside it. The work is done by ccrules.intake; these views only translate."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request
from markupsafe import Markup, escape
from pydantic import BaseModel, Field

from ccrules.errors import ProposalError
from ccrules.intake import (
    LIMITS_WORDS,
    MAX_CHARS,
    MAX_DOCUMENT_BYTES,
    DocumentTooLarge,
    Intake,
    IntakeError,
    intake_bytes,
    intake_text,
)
from ccrules.intake.draft import review
from ccrules.service import require

from .errors import ApiError
from .openapi import operation

api_bp = Blueprint("intake_api", __name__, url_prefix="/api/v1")

OFFERED, ACCEPT = "intake_offered", "intake_accept"
DOCUMENT_TYPES = {"application/pdf": "document.pdf", "text/plain": "document.txt",
                  "text/markdown": "document.md",
                  "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
                      "document.docx"}


class IntakeRequest(BaseModel):
    """Pasted text to read (a document itself is sent as multipart form data, field
    `document`, or as the body with its own content type)."""

    text: str = Field(min_length=1, max_length=MAX_CHARS, pattern=r"\S",
                      description="The application's text (not blank).")
    name: str | None = Field(default=None, max_length=200,
                             description="What to call it in the answer.")


class QuoteOut(BaseModel):
    text: str = Field(description="The sentence, as read.")
    evidence: list[str] = Field(description="The words in it that matched.")
    page: int | None = None
    paragraph: int | None = None
    where: str


class AlsoRead(BaseModel):
    value: Any
    words: str
    quote: QuoteOut


class SuggestionOut(BaseModel):
    field: str = Field(description="The field, as a dotted path.")
    label: str
    value: Any = Field(description="The suggested answer (JSON, as a proposal holds it).")
    words: str = Field(description="The answer in words.")
    status: str = Field(description="Always 'suggested': nothing counts until confirmed.")
    quotes: list[QuoteOut]
    also_read: list[AlsoRead] = Field(description="Other values other sentences state.")


class DocumentOut(BaseModel):
    name: str
    kind: str
    pages: int | None
    characters: int
    paragraphs: int


class IntakeOut(BaseModel):
    document: DocumentOut
    suggestions: list[SuggestionOut]
    seconds: float
    note: str
    limits: str


def limit() -> int:
    return min(MAX_DOCUMENT_BYTES, int(current_app.config.get("MAX_CONTENT_LENGTH")
                                       or MAX_DOCUMENT_BYTES))


def refuse_large() -> None:
    """A declared body over the limit is refused before it is read, with its size."""
    size = request.content_length
    if size is not None and size > limit():
        raise DocumentTooLarge(f"The document is {size / (1024 * 1024):.1f} MB; at most "
                               f"{limit() / (1024 * 1024):g} MB can be sent here (the "
                               f"command line reads up to "
                               f"{MAX_DOCUMENT_BYTES // (1024 * 1024)} MB).")


def from_request() -> Intake:
    """The document a request sends: a file (`document`), pasted text (`text`), JSON
    {"text": ...}, or the body itself with a document's content type."""
    refuse_large()
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        upload = request.files.get("document")
        if upload and upload.filename:
            data = upload.read(limit() + 1)
            if len(data) > limit():
                raise DocumentTooLarge(f"{upload.filename} is larger than "
                                       f"{limit() / (1024 * 1024):g} MB, the limit here.")
            return intake_bytes(data, upload.filename)
        text = request.form.get("text", "")
        if text.strip():
            return intake_text(text)
        raise IntakeError("Choose a document (PDF, Word .docx, text or Markdown) or paste "
                          "its text.")
    if request.mimetype == "application/json":
        from .bodies import json_body
        from .v1 import _validate
        req = _validate(IntakeRequest, json_body())
        return intake_text(req.text, req.name or "pasted text")
    if request.mimetype in DOCUMENT_TYPES:
        name = request.args.get("name", "")[:200] or DOCUMENT_TYPES[request.mimetype]
        return intake_bytes(request.get_data(), name)
    raise ApiError(415, "Unsupported Media Type",
                   "Send a document as multipart form data (field 'document'), as the body "
                   "with its type (application/pdf, the .docx type, text/plain, "
                   "text/markdown), or pasted text as JSON {\"text\": ...}.")


@api_bp.before_request
def _token() -> None:
    from .v1 import require_token
    require_token()
    require(g.principal, "screen")  # a draft for the form: not for a panel member


@api_bp.post("/intake")
@operation("Suggest a proposal's answers from the application document (nothing stored)",
           body=IntakeRequest, responses={200: (IntakeOut, "The suggested answers, each "
                                                           "with its sentence")},
           errors=(400, 403, 413, 415, 422, 429))
def intake_api():
    """Reads a PDF, a Word file (.docx), text or Markdown (multipart field `document`, or
    the body with its content type), or pasted text (JSON `{"text": ...}`), and returns a
    suggested answer for each field the text speaks to, with the sentence it rests on and
    the words that matched. Suggestions are not answers: send only confirmed ones to
    POST /api/v1/evaluations. Nothing is stored. An encrypted, damaged or image-only PDF,
    or one too large, gets the one error shape (413 or 422) saying why."""
    result = from_request()
    return jsonify({**result.as_dict(), "limits": LIMITS_WORDS})


class IntakeState:
    """The suggestions shown in the form: by field, which are ticked as accepted, and the
    hidden JSON that carries them to the evaluation."""

    def __init__(self, offered: list[dict[str, Any]], accepted: set[str], name: str):
        self.offered = offered
        self.by_field = {s["field"]: s for s in offered}
        self.accepted = accepted
        self.name = name

    @property
    def offered_json(self) -> str:
        return json.dumps({"name": self.name, "suggestions": self.offered},
                          ensure_ascii=False)

    @staticmethod
    def marked(quote: dict[str, Any]) -> Markup:
        """The sentence, escaped, with the words that matched marked."""
        text = str(quote.get("text", ""))
        spans: list[tuple[int, int]] = []
        for ev in quote.get("evidence") or []:
            at = text.find(str(ev)) if ev else -1
            if at >= 0:
                spans.append((at, at + len(str(ev))))
        out, pos = Markup(""), 0
        for a, b in sorted(spans):
            if a < pos:
                continue
            out += escape(text[pos:a]) + Markup("<mark>") + escape(text[a:b]) + \
                Markup("</mark>")
            pos = b
        return out + escape(text[pos:])


def intake_state() -> IntakeState | None:
    """For the form template: the suggestions being reviewed, from this request (the page
    that read the document, or the form sent back with a fault)."""
    state = g.get("intake_state")
    if state is not None:
        return state
    raw = request.form.get(OFFERED) if request.method == "POST" else None
    if not raw:
        return None
    try:
        data = json.loads(raw)
        offered = [s for s in data.get("suggestions", []) if isinstance(s, dict)]
    except (ValueError, AttributeError):
        return None
    return IntakeState(offered, set(request.form.getlist(ACCEPT)), str(data.get("name", "")))


def reviewed(form: Any, data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The proposal data from a form that was pre-filled with suggestions, with only the
    confirmed answers (and their quotations); the fields dropped as not confirmed."""
    raw = form.get(OFFERED)
    if not raw:
        return data, []
    try:
        offered = json.loads(raw).get("suggestions", [])
        if not isinstance(offered, list):
            raise ValueError
    except (ValueError, AttributeError):
        raise ProposalError("The form's suggestions could not be read; start again from "
                           "the application document.") from None
    return review(data, [s for s in offered if isinstance(s, dict)], set(form.getlist(ACCEPT)))
