"""The administrator's page: the users (add one, change a role, disable or enable), who
sits on which round, the API tokens (service accounts) and who owns them, and the rules
(reload, and who reloaded which version). Administrators only (the service's access
rule); the library does the work (ccrules.store.users, ccrules.store.rounds,
ccrules.service)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for

from ccrules.errors import CcrulesError
from ccrules.service import record_reload, reload_history, require
from ccrules.store import rounds, tokens, users

from .storage import reload_serving, rulebook, store
from .web import require_session

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.before_request(require_session)


@bp.before_request
def administrators_only() -> None:
    require(g.principal, "users")


def _page(error: str | None = None, status: int = 200, sent: dict | None = None):
    seated = [(r, rounds.members(store(), r["id"])) for r in rounds.list_rounds(store(), None)]
    return render_template("admin.html", users=users.list_users(store()), rounds=seated,
                           tokens=tokens.list_tokens(store()), roles=list(users.Role),
                           role_words=users.ROLE_WORDS,
                           role_names={r.value: w for r, w in users.ROLE_WORDS.items()},
                           reloads=reload_history(store()),
                           version=rulebook().version, error=error, sent=sent or {}), status


@bp.get("")
def admin():
    return _page()


@bp.post("/users")
def add_user():
    form = request.form
    sent = {k: form.get(k, "") for k in ("name", "email", "role")}
    try:
        added = users.add_user(store(), sent["name"], sent["email"], sent["role"] or "officer",
                               form.get("password") or None)
    except users.UserError as exc:
        detail = "; ".join([exc.detail] + [e.msg for e in exc.errors])
        return _page(detail, 422, sent)
    flash(f"Added {added['name']} ({added['email']}) as "
          f"{users.ROLE_WORDS[users.Role(added['role'])]}.")
    return redirect(url_for("admin.admin"), code=303)


@bp.post("/users/<user_id>/role")
def change_role(user_id: str):
    changed = users.set_role(store(), user_id, request.form.get("role", ""))
    flash(f"{changed['name']} is now {users.ROLE_WORDS[users.Role(changed['role'])]}.")
    return redirect(url_for("admin.admin"), code=303)


@bp.post("/users/<user_id>/disable")
def disable(user_id: str):
    if user_id == g.principal.id:
        return _page("You cannot disable your own account here.", 422)
    changed = users.disable_user(store(), user_id)
    flash(f"Disabled {changed['name']}: their sessions have ended.")
    return redirect(url_for("admin.admin"), code=303)


@bp.post("/users/<user_id>/enable")
def enable(user_id: str):
    changed = users.enable_user(store(), user_id)
    flash(f"Enabled {changed['name']}.")
    return redirect(url_for("admin.admin"), code=303)


@bp.post("/rounds/<round_id>/seat")
def seat(round_id: str):
    """Seat a person on a round: officers screen and read it, panel members read and
    decide in it; nobody else but administrators reads it."""
    person = users.user(store(), request.form.get("user", ""))
    found = rounds.get_round(store(), round_id, None)
    rounds.add_member(store(), round_id, person["id"])
    flash(f"{person['name']} sits on the round {found['name']}.")
    return redirect(url_for("admin.admin") + "#rounds", code=303)


@bp.post("/rounds/<round_id>/unseat/<user_id>")
def unseat(round_id: str, user_id: str):
    found = rounds.get_round(store(), round_id, None)
    rounds.remove_member(store(), round_id, user_id)
    flash(f"Took {users.user(store(), user_id)['name']} off the round {found['name']}.")
    return redirect(url_for("admin.admin") + "#rounds", code=303)


@bp.post("/reload")
def reload():
    require(g.principal, "reload")
    previous = rulebook().version
    try:
        state, version = reload_serving(current_app)
    except CcrulesError as exc:
        return _page(f"The rules were not reloaded: {exc}", 422)
    record_reload(store(), g.principal, previous, version)
    flash(f"Rules {'reloading' if state == 'reloading' else 'reloaded'}: version {version}.")
    return redirect(url_for("admin.admin"), code=303)
