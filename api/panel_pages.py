"""The agreement page: how often the panel's decisions agreed with the screener's verdicts,
and which findings panels set aside, for a period. Signed-in pages only (the session check
of api/web.py); the library does the counting (ccrules.authoring.agreement)."""

from __future__ import annotations

from flask import Blueprint, g, render_template, request

from ccrules.authoring.agreement import agreement_report
from ccrules.panel.decisions import DECISION_WORDS, Decision
from ccrules.rulebook.model import Verdict
from ccrules.service import ListQuery
from ccrules.store import rounds

from .storage import store
from .web import require_session

bp = Blueprint("panel", __name__)
bp.before_request(require_session)

VERDICT_WORDS = {v: v.words for v in Verdict}


@bp.get("/agreement")
def agreement():
    """A bad or unknown filter is ignored, as on the round page."""
    query = ListQuery.lenient(request.args)
    report = agreement_report(store(), g.principal.scope, query.since, query.until,
                              query.verdict.value if query.verdict else None, query.q,
                              query.round)
    return render_template("agreement.html", report=report, args=request.args,
                           rounds=rounds.list_rounds(store(), g.principal.scope),
                           verdicts=list(Verdict), decisions=list(Decision),
                           verdict_words=VERDICT_WORDS, decision_words=DECISION_WORDS,
                           set_aside=[r for r in report.rules if r.set_aside],
                           never=sum(1 for r in report.rules if not r.set_aside))
