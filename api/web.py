"""HTML pages for programme officers: sign in, the proposal form, a result, the round.
They use the same tokens as the API: signing in with a token starts a session."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timezone
from typing import Any
from urllib.parse import urlencode

from flask import (Blueprint, Response, abort, flash, g, jsonify, redirect, render_template,
                   request, session, url_for)

from ccrules import access
from ccrules.batch import counts, screen
from ccrules.errors import CcrulesError, ProposalError
from ccrules.evaluation import Evaluation
from ccrules.proposal import parse_proposal
from ccrules.reading import parse_json
from ccrules.render import render_markdown
from ccrules.rule_model import Verdict
from ccrules.screener import evaluate

from .charts import score_chart
from .forms import NONE_SUFFIX, form_groups, form_values, proposal_from_form
from .security import check_csrf
from .storage import rulebook, store

bp = Blueprint("pages", __name__)
OPEN = {"pages.signin"}
PAGE_SIZE = 50


@bp.before_request
def require_session():
    if request.method == "POST":
        check_csrf()
    if request.endpoint in OPEN:
        return None
    token_id = session.get("token_id")
    try:
        g.principal = access.principal(store(), token_id) if token_id else None
    except access.AccessDenied:
        g.principal = None
    if g.principal is None:
        session.pop("token_id", None)
        return redirect(url_for("pages.signin", next=request.full_path.rstrip("?")))
    return None


def _owner() -> str | None:
    return None if g.principal.admin else g.principal.id


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("pages.home")


@bp.route("/signin", methods=["GET", "POST"])
def signin():
    error = None
    if request.method == "POST":
        try:
            who = access.authenticate(store(), "Bearer " + request.form.get("token", "").strip())
        except access.AccessDenied as exc:
            error = exc.detail
        else:
            session.clear()
            session["token_id"] = who.id
            return redirect(_safe_next(request.args.get("next")))
    return render_template("signin.html", error=error), 401 if error else 200


@bp.post("/signout")
def signout():
    session.clear()
    return redirect(url_for("pages.signin"))


def _store_evaluation(proposal_data: dict) -> dict:
    proposal = parse_proposal(proposal_data)
    evaluation = evaluate(proposal, rulebook())
    return store().save(evaluation, proposal.model_dump(mode="json", exclude_none=True),
                        rulebook(), owner=g.principal.id)


@bp.get("/")
def home():
    return render_template("form.html", groups=form_groups(), values={}, errors={},
                           none_suffix=NONE_SUFFIX)


@bp.post("/evaluations/new")
def submit():
    upload = request.files.get("proposal_file")
    try:
        if upload and upload.filename:
            data = parse_json(upload.read(), upload.filename)
        else:
            data = proposal_from_form(request.form)
        stored = _store_evaluation(data)
    except ProposalError as exc:
        errors = {".".join(map(str, e.loc)): e.msg for e in exc.errors} or {"": exc.detail}
        values = form_values(proposal_from_form(request.form) if not upload or
                             not upload.filename else {})
        return render_template("form.html", groups=form_groups(), values=values,
                               errors=errors, detail=exc.detail,
                               none_suffix=NONE_SUFFIX), 422
    return redirect(url_for("pages.result", evaluation_id=stored["id"]), code=303)


@bp.get("/evaluations/<evaluation_id>")
def result(evaluation_id: str):
    data = store().get(evaluation_id, owner=_owner())
    return render_template("result.html", ev=data, chart=score_chart(data["scores"]))


@bp.get("/evaluations/<evaluation_id>.json")
def result_json(evaluation_id: str):
    return jsonify(store().get(evaluation_id, owner=_owner()))


@bp.get("/evaluations/<evaluation_id>.md")
def result_markdown(evaluation_id: str):
    ev = Evaluation.model_validate(store().get(evaluation_id, owner=_owner()))
    return Response(render_markdown(ev), mimetype="text/markdown")


def _filters() -> dict[str, Any]:
    """The round table's filters from the query string (bad values are ignored)."""
    args = request.args
    verdict = args.get("verdict") if args.get("verdict") in {v.value for v in Verdict} else None
    sort = args.get("sort") if args.get("sort") in ("created_at", "verdict", "title",
                                                    "reference") else "created_at"
    return {"verdict": verdict, "since": _day(args.get("since")),
            "until": _day(args.get("until"), end=True), "text": args.get("q") or None,
            "sort": sort, "descending": args.get("dir", "desc") != "asc"}


def _day(text: str | None, end: bool = False) -> str | None:
    try:
        day = date.fromisoformat(text or "")
    except ValueError:
        return None
    moment = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
    if end:
        moment = moment.replace(hour=23, minute=59, second=59)
    return moment.isoformat(timespec="seconds")


@bp.get("/evaluations")
def round_table():
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    filters = _filters()
    listing = store().list(owner=_owner(), limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE,
                           **filters)
    args = {k: v for k, v in request.args.items() if k != "page" and v}

    def link(**change) -> str:
        return url_for("pages.round_table") + "?" + urlencode({**args, **change})
    return render_template("round.html", listing=listing, page=page, args=request.args,
                           verdicts=[v.value for v in Verdict], link=link,
                           csv_link=url_for("pages.round_csv") + "?" + urlencode(args))


@bp.get("/evaluations.csv")
def round_csv():
    listing = store().list(owner=_owner(), limit=10_000, **_filters())
    out = io.StringIO()
    columns = ["id", "created_at", "verdict", "title", "reference", "ruleset_version"]
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(listing.items)
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=ccrules-round.csv"})


@bp.post("/evaluations/batch")
def batch():
    """Screen uploaded proposal files; the page's script sends them one at a time (for its
    progress bar) and gets JSON, a plain form post sends them all and gets the round."""
    files = [f for f in request.files.getlist("proposal_files") if f.filename]
    if not files:
        abort(400, "Choose one or more proposal files (JSON).")
    items = []
    for f in files:
        try:
            items.append((f.filename, parse_json(f.read(), f.filename)))
        except CcrulesError as exc:
            items.append((f.filename, exc))
    results = screen(((n, d) for n, d in items if not isinstance(d, Exception)), rulebook())
    rows = [{"name": n, "error": str(d)} for n, d in items if isinstance(d, Exception)]
    for r in results:
        if r.evaluation:
            stored = store().save(r.evaluation, r.proposal, rulebook(), owner=g.principal.id)
            rows.append({"name": r.name, "id": stored["id"], "verdict": stored["verdict"]})
        else:
            rows.append({"name": r.name, "error": str(r.error)})
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"results": rows, "counts": counts(results)})
    done = sum(1 for r in rows if "id" in r)
    flash(f"Screened {done} of {len(rows)} file(s)."
          + "".join(f" {r['name']}: {r['error']}" for r in rows if "error" in r))
    return redirect(url_for("pages.round_table"), code=303)
