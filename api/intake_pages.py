"""The page "Start from the application document": upload a document or paste its text,
and the proposal form opens pre-filled with each suggestion marked as suggested, its
sentence beside it (api/intake.py carries the suggestions through the form)."""

from __future__ import annotations

from flask import Blueprint, g, render_template, request

from ccrules.intake import LIMITS_WORDS, MAX_CHARS, DocumentTooLarge, IntakeError
from ccrules.intake.draft import draft_data
from ccrules.service import require

from .errors import ApiError
from .forms import form_values
from .intake import IntakeState, from_request, limit, refuse_large
from .web import _form_page, require_session

bp = Blueprint("intake_pages", __name__)


@bp.before_request
def _session():
    """A body too large is answered on the intake page itself, before the form (and its
    CSRF token) would be read: reading it is what the limit forbids."""
    if request.method == "POST":
        try:
            refuse_large()
        except DocumentTooLarge as exc:
            return _start_page(f"{exc.detail} Nothing was stored.", exc.status)
    refused = require_session()
    if refused is None:
        require(g.principal, "screen")  # a draft for the form: not for a panel member
    return refused


def _start_page(error: str | None = None, status: int = 200, text: str = ""):
    return render_template("intake.html", error=error, limits=LIMITS_WORDS,
                           limit_mb=limit() / (1024 * 1024), text=text), status


@bp.get("/intake")
def start():
    return _start_page()


@bp.post("/intake")
def read():
    """Reads the document and opens the form pre-filled with the suggestions (nothing is
    stored: the officer confirms, then evaluates)."""
    try:
        result = from_request()
    except (IntakeError, ApiError) as exc:
        status = exc.status
        detail = exc.detail
        return _start_page(f"{detail} Nothing was stored.", status,
                           request.form.get("text", "")[:MAX_CHARS])
    offered = [s.as_dict() for s in result.suggestions]
    if not offered:
        return _start_page(f"No answer could be suggested from {result.document.name}: the "
                           f"text says nothing the patterns recognise. Nothing was stored. "
                           f"Fill in the form by hand.")
    # nothing is ticked as accepted: the officer accepts, edits or clears each suggestion
    g.intake_state = IntakeState(offered, set(), result.document.name)
    return _form_page(form_values(draft_data(result.suggestions)))
