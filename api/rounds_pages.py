"""The rounds page: a funder's rounds (named cohorts with an opening and a closing date),
to create, open on the round page, and close. Signed-in pages only (the session check of
api/web.py); the store does the work (ccrules.store.rounds)."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from ccrules.errors import InputError
from ccrules.store import rounds

from .storage import store
from .web import require_session

bp = Blueprint("rounds", __name__)
bp.before_request(require_session)


def _page(form: dict | None = None, error: InputError | None = None, status: int = 200):
    errors = {".".join(map(str, e.loc)): e.msg for e in error.errors} if error else {}
    return render_template("rounds.html", rounds=rounds.list_rounds(store(), g.principal.scope),
                           form=form or {}, errors=errors,
                           detail=error.detail if error else None), status


@bp.get("/rounds")
def rounds_page():
    return _page()


@bp.post("/rounds")
def create():
    form = {k: request.form.get(k, "") for k in ("name", "opens", "closes")}
    try:
        made = rounds.create_round(store(), rounds.RoundInput.checked(form), g.principal.id)
    except InputError as exc:
        return _page(form, exc, 422)
    flash(f"Created the round {made['name']}.")
    return redirect(url_for("pages.round_table", round=made["id"]), code=303)


@bp.post("/rounds/<round_id>/close")
def close(round_id: str):
    found = rounds.close_round(store(), round_id, g.principal.scope)
    flash(f"Closed the round {found['name']}: it takes no more applications.")
    return redirect(url_for("rounds.rounds_page"), code=303)
