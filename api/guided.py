"""Guided mode as pages: a draft's open questions one at a time, most decisive first, with
the verdict range after each answer, until the verdict is decided; then the completed
proposal is evaluated and stored like any other (ccrules.service.evaluate_and_store).

Routes (every one needs a signed-in session; POSTs carry the CSRF token):
    GET  /guided                             start: upload a draft (JSON)
    POST /guided                             the first question for the uploaded draft
    GET  /evaluations/<id>/guided            the first question for a stored evaluation's
                                             proposal (readable by its owner, or an admin)
    POST /guided/answer                      record an answer, or "Don't know"; next question
    POST /guided/evaluate                    evaluate and store the proposal; to its result

The draft travels between steps in the page, in hidden fields: `draft` (the proposal's JSON,
with the answers so far written in), `answered` and `skipped` (the questions answered and
skipped). Nothing is kept on the server until the proposal is stored, so an abandoned
interview leaves nothing behind and any worker can serve the next step. What comes back from
the browser is read as untrusted on every step, as an upload would be: bounded JSON
(parse_json), a valid proposal (parse_proposal), known questions, and an answer that fits
the open question it names; anything else is a message on the page (4xx), never a 500. The
draft holds nothing the officer could not have uploaded themselves, so it needs no signature.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, g, redirect, render_template, request, url_for

from ccrules.errors import ProposalError
from ccrules.explaining.interview import (
    DONT_KNOW,
    AnswerError,
    Question,
    State,
    apply,
    interview,
    read_answer,
    read_members,
)
from ccrules.proposal.fields import label
from ccrules.proposal.reading import parse_json, parse_proposal
from ccrules.service import Actor, evaluate_and_store, require

from .limits import stores
from .storage import rulebook, store
from .web import require_session

bp = Blueprint("guided", __name__)
bp.before_request(require_session)


@bp.before_request
def may_screen() -> None:
    """The guided mode drafts and stores proposals: not for a panel member (403)."""
    require(g.principal, "screen")


def _page(state: State | None = None, error: str | None = None, status: int = 200,
          source: str = ""):
    question = state.questions[0] if state and not state.finished else None
    return render_template("guided.html", state=state, question=question, error=error,
                           source=source, draft=json.dumps(state.data, ensure_ascii=False)
                           if state else ""), status


@bp.get("/guided")
def start():
    return _page()


@bp.post("/guided")
def start_upload():
    upload = request.files.get("draft_file")
    if not upload or not upload.filename:
        return _page(error="Choose a draft proposal file (JSON) to start from.", status=400)
    try:
        state = interview(parse_json(upload.read(), upload.filename), rulebook())
    except ProposalError as exc:
        return _page(error=_words(exc), status=exc.status)
    return _page(state, source=upload.filename)


@bp.get("/evaluations/<evaluation_id>/guided")
def from_evaluation(evaluation_id: str):
    data, _ = store().proposal(evaluation_id, owner=g.principal.scope)  # others': 404
    try:
        state = interview(data, rulebook())
    except ProposalError as exc:  # stored under older rules that this one cannot read
        return _page(error=_words(exc), status=exc.status)
    return _page(state, source=data.get("title") or "the stored evaluation")


@bp.post("/guided/answer")
def answer():
    try:
        state = _sent(rank=False)
    except ProposalError as exc:
        return _page(error=f"The answers sent back could not be read: {_words(exc)} Start "
                           f"again from the draft.", status=400)
    field = request.form.get("field", "")
    try:
        asked = next((q for q in state.questions if q.field == field), None)
        if asked is None:
            raise AnswerError("That question is not open for this proposal (it may have "
                              "been answered already).")
        value = DONT_KNOW if request.form.get("action") == "skip" else _value(asked)
        state = apply(rulebook(), state, field, value)
    except AnswerError as exc:
        ranked = interview(state.data, rulebook(), state.answered, state.skipped)
        return _page(ranked, error=exc.detail, status=422)
    return _page(state)


@bp.post("/guided/evaluate")
@stores
def evaluate():
    try:
        proposal = parse_proposal(_sent(rank=False).data)
    except ProposalError as exc:
        return _page(error=f"The proposal sent back could not be read: {_words(exc)}",
                     status=400)
    evaluation, _ = evaluate_and_store(store(), rulebook(), proposal, Actor.of(g.principal))
    return redirect(url_for("pages.result", evaluation_id=evaluation.id), code=303)


def _sent(rank: bool) -> State:
    """The interview's state from the page's hidden fields (ProposalError if unusable)."""
    form = request.form
    data = parse_json(form.get("draft", ""), "the draft")
    answered = tuple(x for x in form.get("answered", "").split(",") if x)
    skipped = tuple(x for x in form.get("skipped", "").split(",") if x)
    return interview(data, rulebook(), answered, skipped, rank=rank)


def _value(q: Question) -> Any:
    """The answer the form gives to question `q` (AnswerError if it gives none that fits)."""
    form = request.form
    if q.kind == "names":
        if form.get("none"):
            return []
        text = form.get("names", "")
        if not text.strip():
            raise AnswerError(f"{q.label}: type the names, one per line, or tick 'none'.")
        return read_answer(q, text.replace("\r", ""))
    if q.kind == "many":
        members = form.getlist("member")
        if form.get("none") and members:
            raise AnswerError(f"{q.label}: tick what applies, or 'none of these', not both.")
        if not members and not form.get("none"):
            raise AnswerError(f"{q.label}: tick what applies, or 'none of these'.")
        return read_members(q, members)
    if q.kind == "range" and form.get("number", "").strip():
        value = read_answer(q, form["number"])
        if value is DONT_KNOW:
            raise AnswerError(f"{q.label}: type a number, or choose a range.")
        return value
    if not form.get("choice"):
        raise AnswerError(f"{q.label}: choose an answer, or press \u201cDon't know\u201d.")
    return q.choice(form["choice"]).value


def _words(exc: ProposalError) -> str:
    """A fault in one line: its summary, and the first few faults by the field's label."""
    parts = []
    for e in exc.errors[:3]:
        path = ".".join(str(k) for k in e.loc if not isinstance(k, int))
        parts.append(f"{label(path) if path else 'the proposal'}: {e.msg}")
    return exc.detail + (" (" + "; ".join(parts) + ")" if parts else "")
