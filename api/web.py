"""HTML pages for programme officers and panel members: the proposal form, a result, the
round. Signing in (api/signin.py) starts a session for a named user; what each role may do
and read is ccrules.service's access rule, as for the API (a page a role may not use
answers 403, and its links and buttons are not shown). The work is done by
ccrules.service; these views only translate forms and pages."""

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
    stream_with_context,
    url_for,
)

from ccrules.errors import InputError, ProposalError
from ccrules.judging.result import Evaluation
from ccrules.panel.decisions import (
    DECISION_WORDS,
    Decision,
    DecisionError,
    DecisionInput,
)
from ccrules.proposal.answered import require_answers
from ccrules.proposal.fields import catalogue
from ccrules.proposal.model import MAX_OPTIONS
from ccrules.proposal.reading import parse_json, parse_proposal
from ccrules.proposal.words import count as plural
from ccrules.report.export import (
    EXPORT_HEADINGS,
    EXPORT_KEYS,
    decision_markdown,
    export_values,
    export_words,
)
from ccrules.report.markdown import render_markdown
from ccrules.report.model import build_report
from ccrules.report.round import listing_row
from ccrules.report.round_report import round_markdown
from ccrules.rulebook.model import Verdict
from ccrules.screening.batch import counts
from ccrules.screening.whatif import evaluate_with_what_if
from ccrules.service import (
    Actor,
    ListQuery,
    allowed,
    authorised,
    evaluate_and_store,
    require,
    screen_and_store,
    upload_words,
    uploaded,
    write_csv,
)
from ccrules.store import applications, rounds, tokens
from ccrules.store.decisions import Decider, add_decision, history

from .charts import score_chart
from .errors import ApiError
from .forms import (
    MENU_BLANKS,
    NONE_SUFFIX,
    answer_from_text,
    evidence_choices,
    form_groups,
    form_values,
    proposal_from_form,
    submitted_values,
    what_if_fields,
)
from .intake import reviewed
from .limits import check_refusals, stores
from .links import link_base
from .security import check_csrf
from .storage import rulebook, store

bp = Blueprint("pages", __name__)
OPEN = {"pages.signin", "pages.signin_oidc", "pages.oidc_callback"}
PAGE_SIZE = 50


@bp.app_context_processor
def permissions() -> dict[str, Any]:
    """`can('edit')` in a template: whether the signed-in user's role allows it (the
    service's access rule), to show only the links and buttons they may use."""
    return {"can": lambda action: g.get("principal") is not None and
            allowed(g.principal, action)}


@bp.before_request
def require_session():
    if request.method == "POST":
        check_csrf()
    if request.endpoint in OPEN:
        return None
    session_id = session.get("sid")
    try:
        g.principal = authorised(tokens.session_principal(store(), session_id)) \
            if session_id else None
    except tokens.AccessDenied:
        g.principal = None
    if g.principal is None:
        session.clear()
        return redirect(url_for("pages.signin", next=request.full_path.rstrip("?")))
    check_refusals()  # a session that keeps sending refused requests is slowed down
    return None


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site, or the home page. Browsers drop
    tabs and newlines from a URL and read a backslash as a slash, so '/\t/evil.example' or
    '/\\evil.example' would leave the site: anything but a plain local path is refused."""
    if not target or any(c.isspace() or ord(c) < 32 or c == "\\" for c in target):
        return url_for("pages.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return url_for("pages.home")
    return target


def _form_page(values: dict[str, Any], exc: ProposalError | None = None, status: int = 200,
               application: str | None = None):
    errors = {".".join(map(str, e.loc)): e.msg for e in exc.errors} if exc else {}
    if exc and not errors:
        errors = {"": exc.detail}
    labels = {p: f.label for p, f in catalogue().items()}
    return render_template("form.html", groups=form_groups(), values=values, errors=errors,
                           detail=exc.detail if exc else None, labels=labels,
                           menu_blanks=MENU_BLANKS, max_options=MAX_OPTIONS,
                           evidence_choices=evidence_choices(),
                           none_suffix=NONE_SUFFIX, application=application,
                           rounds=_open_rounds()), status


def _open_rounds() -> list[dict]:
    """The rounds the session may add applications to."""
    return [r for r in rounds.list_rounds(store(), g.principal.scope) if r["open"]]


@bp.get("/")
def home():
    """The form: empty, or (`?from=<id>`) filled with a stored proposal to edit and
    evaluate again."""
    source = request.args.get("from")
    if not source and not allowed(g.principal, "screen"):
        return redirect(url_for("pages.round_table"))  # a panel member's home is the round
    require(g.principal, "edit" if source else "screen")
    if source:
        proposal, _ = store().proposal(source, owner=g.principal.scope)
        return _form_page(form_values(proposal),
                          application=applications.of_evaluation(store().db, source))
    return _form_page({})


@bp.post("/evaluations/new")
@stores
def submit():
    require(g.principal, "screen")
    upload = request.files.get("proposal_file")
    from_file = "proposal_file" in request.files or bool(upload and upload.filename)
    try:
        if from_file:
            if not (upload and upload.filename):
                raise ProposalError("Choose a proposal file (JSON) to evaluate.")
            data = parse_json(upload.read(), upload.filename or "upload")
        else:
            data, _ = reviewed(request.form, proposal_from_form(request.form))
        require_answers(data)
        evaluation, _ = evaluate_and_store(
            store(), rulebook(), parse_proposal(data), Actor.of(g.principal),
            round_id=request.form.get("round") or None,
            application_id=request.form.get("application") or None)
    except ProposalError as exc:  # the form comes back as it was sent, with every fault
        return _form_page({} if from_file else submitted_values(request.form), exc, 422,
                          request.form.get("application") or None)
    return redirect(url_for("pages.result", evaluation_id=evaluation.id), code=303)


def _stored(evaluation_id: str) -> Evaluation:
    return Evaluation.model_validate(store().get(evaluation_id, owner=g.principal.scope))


def _result_page(evaluation_id: str, ev: Evaluation, whatif: dict[str, str] | None = None,
                 status: int = 200, decision: dict[str, Any] | None = None):
    guided = (url_for("guided.from_evaluation", evaluation_id=evaluation_id)
              if "guided.from_evaluation" in current_app.view_functions and
              ev.verdict_range.best != ev.verdict_range.worst else None)
    _, records = history(store(), evaluation_id, g.principal.scope)
    app_id = applications.of_evaluation(store().db, evaluation_id)
    app = applications.history(store().db, app_id, g.principal.scope) if app_id else None
    changes = applications.changes(store(), evaluation_id, g.principal.scope) \
        if app and len(app["evaluations"]) > 1 else None
    return render_template("result.html", ev=ev, evaluation_id=evaluation_id,
                           application=app, changes=changes, rounds=_open_rounds(),
                           report=build_report(ev), guided_link=guided,
                           decisions=records, decision_form=decision or {},
                           decision_choices=[(d.value, DECISION_WORDS[d]) for d in Decision],
                           whatif_fields=what_if_fields(), whatif=whatif or {},
                           chart=score_chart(ev.model_dump(mode="json")["scores"])), status


@bp.get("/evaluations/<evaluation_id>")
def result(evaluation_id: str):
    return _result_page(evaluation_id, _stored(evaluation_id))


@bp.post("/evaluations/<evaluation_id>/decision")
@stores
def decide(evaluation_id: str):
    """The panel's decision from the result page: every finding or condition ticked as set
    aside needs a reason; the rest are accepted. Nothing is stored if anything is wrong."""
    require(g.principal, "decide")
    person = g.principal.kind == "user"  # a signed-in person: their own name is recorded
    ev = _stored(evaluation_id)
    form = request.form
    aside = {rid: form.get(f"reason.{rid}", "") for rid in form.getlist("set_aside")}
    sent = {"decision": form.get("decision", ""), "note": form.get("note", ""),
            "reason": form.get("reason", ""), "decided_by": form.get("decided_by", ""),
            "set_aside": aside}
    try:
        given = DecisionInput.checked({
            "decision": sent["decision"], "note": sent["note"] or None,
            "reason": sent["reason"] or None,
            "decided_by": g.principal.name if person else sent["decided_by"],
            "set_aside": [{"rule_id": r, "reason": why} for r, why in aside.items()],
            "accept_all": not aside})
        add_decision(store(), evaluation_id, given,
                     Decider(g.principal.id, g.principal.name, g.principal.scope, person))
    except DecisionError as exc:
        titles = {f.rule_id: f.title for f in ev.findings}
        ids = list(aside)

        def where(loc: tuple) -> str:
            named = {"decision": "Decision", "reason": "Reason for going against the "
                     "verdict", "decided_by": "Recorded by"}
            if loc[:1] and loc[0] in named:
                return named[loc[0]]
            if len(loc) > 1 and isinstance(loc[1], int) and loc[1] < len(ids):
                return f"{titles.get(ids[loc[1]], ids[loc[1]])} ({ids[loc[1]]})"
            return "Findings set aside"
        detail = "; ".join(f"{where(e.loc)}: {e.msg}" for e in exc.errors) or exc.detail
        return _result_page(evaluation_id, ev, status=422,
                            decision={**sent, "error": detail})
    flash(f"Recorded the panel's decision: {DECISION_WORDS[given.decision]}.")
    return redirect(url_for("pages.result", evaluation_id=evaluation_id) + "#decision",
                    code=303)


@bp.get("/evaluations/<evaluation_id>/what-if")
def what_if(evaluation_id: str):
    """The stored proposal with one answer changed, evaluated beside it under the rules in
    use (nothing is stored)."""
    stored = _stored(evaluation_id)
    path, text = request.args.get("field", ""), request.args.get("value", "")
    asked = {"field": path, "value": text}
    info = catalogue().get(path)
    if info is None or not info.kind.changeable or path.startswith("derived."):
        return _result_page(evaluation_id, stored, {**asked, "error": "Choose an answer to "
                                                    "change from the list."}, 422)
    try:
        value = answer_from_text(info, text)
        proposal, _ = store().proposal(evaluation_id, owner=g.principal.scope)
        ev = evaluate_with_what_if(proposal, {path: value}, rulebook())
    except ProposalError as exc:
        detail = exc.errors[0].msg if exc.errors else exc.detail
        return _result_page(evaluation_id, stored,
                            {**asked, "error": f"{info.label}: {detail}"}, 422)
    return _result_page(evaluation_id, ev, asked)


@bp.get("/evaluations/<evaluation_id>.json")
def result_json(evaluation_id: str):
    return jsonify(store().get(evaluation_id, owner=g.principal.scope))


@bp.get("/evaluations/<evaluation_id>.md")
def result_markdown(evaluation_id: str):
    """The result in Markdown, with the panel's current decision (as the print view)."""
    text = render_markdown(_stored(evaluation_id))
    _, records = history(store(), evaluation_id, g.principal.scope)
    decided = "\n".join(decision_markdown(records[0].model_dump(mode="json")
                                           if records else None))
    return Response(text.rstrip() + "\n\n" + decided, mimetype="text/markdown")


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
    rows = [(item, listing_row(item)) for item in listing.items]
    readable = rounds.list_rounds(store(), g.principal.scope)
    chosen = next((r for r in readable if r["id"] == query.round), None)
    return render_template("round.html", listing=listing, rows=rows, page=page,
                           args=request.args, verdicts=[v.value for v in Verdict], link=link,
                           rounds=readable, chosen=chosen, query=query,
                           counts=query.counts(store(), g.principal.scope),
                           csv_link=url_for("pages.round_csv") + "?" + urlencode(args),
                           report_link=url_for("pages.round_report") + "?" + urlencode(args))


@bp.get("/evaluations.csv")
def round_csv():
    """The current version of every application the round's filters select (no page limit),
    streamed, in the export's columns (the same as the Excel and Markdown exports)."""
    base = link_base()  # CCRULES_BASE_URL, or relative: never the Host header
    rows = (export_words(export_values(r, base + url_for("pages.result",
                                                         evaluation_id=r["id"])))
            for r in ListQuery.lenient(request.args).stream(store(), g.principal.scope,
                                                            asks=True))
    chunks = write_csv(io.StringIO(), EXPORT_KEYS, rows, headings=EXPORT_HEADINGS)
    return Response(stream_with_context(chunks), mimetype="text/csv", headers={
                        "Content-Disposition": "attachment; filename=ccrules-round.csv"})


MAX_REPORT = 200  # proposals in one printed round report


def _round_for_meeting() -> tuple[list[Evaluation], dict[str, int], int, list[dict],
                                  dict[str, Any]]:
    """The evaluations the round's filters select (current versions), in the officer's
    order (at most MAX_REPORT), their verdict counts, how many were selected in all, their
    export rows, and each one's current decision (as JSON data) by evaluation id."""
    query = ListQuery.lenient(request.args)
    rows = query.stream(store(), g.principal.scope, asks=True)
    base = link_base()
    chosen = [export_values(row, base + url_for("pages.result", evaluation_id=row["id"]))
              for _, row in zip(range(MAX_REPORT), rows, strict=False)]
    counts = query.counts(store(), g.principal.scope)
    evaluations = [_stored(row["id"]) for row in chosen]
    decided = {}
    for row in chosen:
        _, records = history(store(), row["id"], g.principal.scope)
        decided[row["id"]] = records[0].model_dump(mode="json") if records else None
    return evaluations, counts, sum(counts.values()), chosen, decided


@bp.get("/evaluations/report")
def round_report():
    """The round for the panel meeting, to print: counts, then each proposal's brief on a
    page of its own."""
    evaluations, counts, total, _, decided = _round_for_meeting()
    return render_template("round_report.html", reports=[(ev, build_report(ev))
                                                         for ev in evaluations],
                           counts=counts, total=total, limit=MAX_REPORT, decided=decided,
                           decision_words=DECISION_WORDS)


@bp.get("/evaluations/report.md")
def round_report_markdown():
    evaluations, counts, _, rows, decided = _round_for_meeting()
    return Response(round_markdown(evaluations, counts, rows=rows, decisions=decided),
                    mimetype="text/markdown",
                    headers={"Content-Disposition": "attachment; filename=ccrules-round.md"})


@bp.post("/evaluations/batch")
@stores
def batch():
    """Screen uploaded proposal files (JSON, or sheets: .xlsx or .csv, one proposal a row);
    the page's script sends them one at a time (for its progress bar) and gets JSON, a plain
    form post sends them all and gets the round. All or nothing: if any file cannot be read
    or any proposal is invalid (an empty one too), none of the upload is stored and the
    answer names every fault (JSON: 422); otherwise every proposal is stored in one
    transaction as a version of its application, except those unchanged since their
    application's current evaluation. The answer counts the new, changed and unchanged.
    `round`: the (open) round every application joins. A sheet's rows count as proposals
    against the batch limit and the rate limit."""
    from .sheet_uploads import count_rows, upload_items

    require(g.principal, "screen")
    files = [f for f in request.files.getlist("proposal_files") if f.filename]
    if not files:
        if request.accept_mimetypes.best == "application/json":
            raise ApiError(400, "Bad Request", "Choose one or more proposal files (JSON, or "
                                               "a sheet: .xlsx or .csv).")
        flash("Choose one or more proposal files (JSON, or a sheet: .xlsx or .csv) to "
              "screen; nothing was stored.")
        return redirect(url_for("pages.round_table"), code=303)
    limit = current_app.config["MAX_BATCH"]
    if len(files) > limit:
        raise ApiError(413, "Payload Too Large", f"At most {limit} files per upload; "
                                                 f"{len(files)} were sent.")
    items: list[tuple[str, Any]] = upload_items(files, limit)
    if len(items) > limit:
        raise ApiError(413, "Payload Too Large", f"At most {limit} proposals per upload; "
                                                 f"{len(items)} were sent.")
    count = count_rows(len(items), len(files))
    round_id = request.form.get("round") or None
    wants_json = request.accept_mimetypes.best == "application/json"
    try:  # all or nothing: one invalid proposal (or file) and none of the upload is stored
        results, saved = screen_and_store(store(), rulebook(), items, Actor.of(g.principal),
                                          all_or_nothing=True, round_id=round_id)
    except InputError as exc:  # a proposal, a file or the round
        if wants_json:
            raise
        flash(_refusal(exc, [name for name, _ in items]))
        return redirect(_round_page(round_id), code=303)
    count()
    where = iter(saved)
    rows = []
    for r in results:
        placed = next(where)
        rows.append({"name": r.name, "id": placed.evaluation_id, "verdict": r.verdict,
                     "status": placed.status, "version": placed.placement.version,
                     "reference": placed.placement.reference})
    tally = uploaded(saved)
    if wants_json:
        return jsonify({"results": rows, "counts": counts(results), "stored": tally})
    what = "file" if len(rows) == len(files) else "proposal"
    flash(f"Screened {plural(len(rows), what)}: {upload_words(tally)}.")
    return redirect(_round_page(round_id), code=303)


@bp.post("/applications/<application_id>/round")
@stores
def join_round(application_id: str):
    """Move an application into a round (or out of any) from its result page."""
    require(g.principal, "edit")
    back = request.form.get("back") or url_for("pages.round_table")
    try:
        rounds.assign(store(), application_id, request.form.get("round") or None,
                      g.principal.scope)
    except (rounds.RoundNotFound, rounds.RoundClosed) as exc:
        flash(f"Not moved: {exc}")
    else:
        flash("Moved the application." if request.form.get("round") else
              "Took the application out of its round.")
    return redirect(safe_next(back), code=303)


def _round_page(round_id: str | None) -> str:
    return url_for("pages.round_table", round=round_id) if round_id else \
        url_for("pages.round_table")


def _refusal(exc: InputError, names: list[str]) -> str:
    """An upload refused whole, in words: which files or rows, and each fault where it is."""
    from ccrules.errors import ErrorItem
    from ccrules.sheets.problems import where

    faults, refused = [], []
    for e in exc.errors:
        index, loc = e.loc[1], e.loc[2:]
        name = names[index] if isinstance(index, int) and index < len(names) else "upload"
        refused.append(name)
        place = (where(ErrorItem(loc, e.msg)) if loc and isinstance(loc[0], int)
                 else ".".join(map(str, loc)))
        faults.append(_named(name, f"{place}: {e.msg}" if place else e.msg))
    return (f"Nothing was stored: {exc.detail} Refused: "
            f"{', '.join(dict.fromkeys(refused)) or 'the upload'}. " + " ".join(faults))[:4000]


def _named(name: str, message: str) -> str:
    """An error message that names its file once."""
    return message if message.startswith(name) else f"{name}: {message}"
