"""HTML pages for programme officers: sign in, the proposal form, a result, the round.
They use the same tokens as the API: signing in with a token starts a session. The work is
done by ccrules.service, as for the API; these views only translate forms and pages."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from ccrules.errors import ProposalError
from ccrules.judging.result import Evaluation
from ccrules.proposal.reading import parse_json, parse_proposal
from ccrules.report.markdown import render_markdown
from ccrules.report.model import build_report
from ccrules.rulebook.model import Verdict
from ccrules.screening.batch import counts
from ccrules.service import ListQuery, evaluate_and_store, screen_and_store, write_csv
from ccrules.store import tokens

from .charts import score_chart
from .errors import ApiError
from .forms import NONE_SUFFIX, form_groups, proposal_from_form, submitted_values
from .limits import stores
from .security import check_csrf
from .storage import rulebook, store

bp = Blueprint("pages", __name__)
OPEN = {"pages.signin"}
PAGE_SIZE = 50
CSV_COLUMNS = ["id", "created_at", "verdict", "title", "reference", "ruleset_version"]


@bp.before_request
def require_session():
    if request.method == "POST":
        check_csrf()
    if request.endpoint in OPEN:
        return None
    session_id = session.get("sid")
    try:
        g.principal = tokens.session_principal(store(), session_id) if session_id else None
    except tokens.AccessDenied:
        g.principal = None
    if g.principal is None:
        session.clear()
        return redirect(url_for("pages.signin", next=request.full_path.rstrip("?")))
    return None


def _safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site, or the home page. Browsers drop
    tabs and newlines from a URL and read a backslash as a slash, so '/\t/evil.example' or
    '/\\evil.example' would leave the site: anything but a plain local path is refused."""
    if not target or any(c.isspace() or ord(c) < 32 or c == "\\" for c in target):
        return url_for("pages.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("pages.home")
    return target


@bp.route("/signin", methods=["GET", "POST"])
def signin():
    error = None
    if request.method == "POST":
        try:
            who = tokens.authenticate(store(), "Bearer " + request.form.get("token", "").strip())
        except tokens.AccessDenied as exc:
            error = exc.detail
        else:
            session.clear()
            session["sid"] = tokens.start_session(store(), who)
            session["token_id"] = who.id  # counted by the rate limit (api/limits.py)
            return redirect(_safe_next(request.args.get("next")))
    return render_template("signin.html", error=error), 401 if error else 200


@bp.post("/signout")
def signout():
    """Ends the session here, on the server: a copied cookie no longer works."""
    if session.get("sid"):
        tokens.end_session(store(), session["sid"])
    session.clear()
    return redirect(url_for("pages.signin"))


def _form_page(values: dict[str, Any], exc: ProposalError | None = None, status: int = 200):
    errors = {".".join(map(str, e.loc)): e.msg for e in exc.errors} if exc else {}
    if exc and not errors:
        errors = {"": exc.detail}
    return render_template("form.html", groups=form_groups(), values=values, errors=errors,
                           detail=exc.detail if exc else None,
                           none_suffix=NONE_SUFFIX), status


@bp.get("/")
def home():
    return _form_page({})


@bp.post("/evaluations/new")
@stores
def submit():
    upload = request.files.get("proposal_file")
    from_file = bool(upload and upload.filename)
    try:
        if upload and from_file:
            data = parse_json(upload.read(), upload.filename or "upload")
        else:
            data = proposal_from_form(request.form)
        evaluation, _ = evaluate_and_store(store(), rulebook(), parse_proposal(data),
                                           g.principal.id)
    except ProposalError as exc:  # the form comes back as it was sent, with every fault
        return _form_page({} if from_file else submitted_values(request.form), exc, 422)
    return redirect(url_for("pages.result", evaluation_id=evaluation.id), code=303)


def _stored(evaluation_id: str) -> Evaluation:
    return Evaluation.model_validate(store().get(evaluation_id, owner=g.principal.scope))


@bp.get("/evaluations/<evaluation_id>")
def result(evaluation_id: str):
    ev = _stored(evaluation_id)
    return render_template("result.html", ev=ev, report=build_report(ev),
                           chart=score_chart(ev.model_dump(mode="json")["scores"]))


@bp.get("/evaluations/<evaluation_id>.json")
def result_json(evaluation_id: str):
    return jsonify(store().get(evaluation_id, owner=g.principal.scope))


@bp.get("/evaluations/<evaluation_id>.md")
def result_markdown(evaluation_id: str):
    return Response(render_markdown(_stored(evaluation_id)), mimetype="text/markdown")


MAX_PAGE = 100_000


def _page_number() -> int:
    """The round's page from the query string: a bad or absurd number is page 1 or the
    last page there could be."""
    text = request.args.get("page", "1")
    if not text.isdigit() or len(text) > 6:
        return MAX_PAGE if text.isdigit() else 1
    return min(MAX_PAGE, max(1, int(text)))


@bp.get("/evaluations")
def round_table():
    page = _page_number()
    query = ListQuery.lenient({**request.args, "limit": str(PAGE_SIZE),
                               "offset": str((page - 1) * PAGE_SIZE)})
    listing = query.run(store(), g.principal.scope)
    args = {k: v for k, v in request.args.items() if k != "page" and v}

    def link(**change: Any) -> str:
        return url_for("pages.round_table") + "?" + urlencode({**args, **change})
    return render_template("round.html", listing=listing, page=page, args=request.args,
                           verdicts=[v.value for v in Verdict], link=link,
                           csv_link=url_for("pages.round_csv") + "?" + urlencode(args))


@bp.get("/evaluations.csv")
def round_csv():
    """Every evaluation the round's filters select (no page limit), streamed."""
    rows = ListQuery.lenient(request.args).stream(store(), g.principal.scope)
    return Response(write_csv(io.StringIO(), CSV_COLUMNS, rows), mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=ccrules-round.csv"})


@bp.post("/evaluations/batch")
@stores
def batch():
    """Screen uploaded proposal files; the page's script sends them one at a time (for its
    progress bar) and gets JSON, a plain form post sends them all and gets the round. Files
    that cannot be read count as invalid, in their place; the valid ones are stored in one
    transaction."""
    files = [f for f in request.files.getlist("proposal_files") if f.filename]
    if not files:
        raise ApiError(400, "Bad Request", "Choose one or more proposal files (JSON).")
    limit = current_app.config["MAX_BATCH"]
    if len(files) > limit:
        raise ApiError(413, "Payload Too Large", f"At most {limit} files per upload; "
                                                 f"{len(files)} were sent.")
    items: list[tuple[str, Any]] = []
    for f in files:
        name = f.filename or "upload"
        try:
            items.append((name, parse_json(f.read(), name)))
        except ProposalError as exc:
            items.append((name, exc))
    results, _ = screen_and_store(store(), rulebook(), items, g.principal.id,
                                  all_or_nothing=False)
    rows = []
    for r in results:
        if r.evaluation:
            rows.append({"name": r.name, "id": r.evaluation.id, "verdict": r.verdict})
        else:
            rows.append({"name": r.name, "error": _named(r.name, str(r.error))})
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"results": rows, "counts": counts(results)})
    done = sum(1 for r in rows if "id" in r)
    flash(f"Screened {done} of {len(rows)} file(s)."
          + "".join(f" {r['error']}" for r in rows if "error" in r))
    return redirect(url_for("pages.round_table"), code=303)


def _named(name: str, message: str) -> str:
    """An error message that names its file once."""
    return message if message.startswith(name) else f"{name}: {message}"
