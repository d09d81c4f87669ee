"""The JSON API under /api/v1/. Every route needs a bearer token."""

from __future__ import annotations

import json
import os
import signal
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request, url_for
from pydantic import BaseModel, ValidationError

from ccrules.authoring.agreement import agreement_report
from ccrules.authoring.catalogue import lesson_rows
from ccrules.errors import ErrorItem, InputError, ProposalError
from ccrules.judging.result import Evaluation
from ccrules.proposal.model import GROUPS
from ccrules.proposal.reading import fault_summary, many_unknown_keys, validation_errors
from ccrules.proposal.words import count
from ccrules.rulebook.conditions import to_data
from ccrules.screening.batch import counts
from ccrules.service import Actor, ListQuery, evaluate_and_store, screen_and_store, uploaded
from ccrules.store import tokens
from ccrules.store.database import NotFound
from ccrules.store.decisions import Decider, add_decision, history

from .bodies import json_body
from .limits import check_refusals, stores
from .openapi import operation
from .schemas import (
    AgreementOut,
    AgreementQuery,
    DecisionHistory,
    DecisionOut,
    DecisionRequest,
    EvaluationPage,
    EvaluationRequest,
    LessonList,
    ReloadResult,
    RuleDetail,
    RuleList,
    RuleSummary,
    ScreeningRequest,
    ScreeningResult,
)
from .storage import load_checked, request_reload, rulebook, store
from .storage import reload_rules as reload_rules_in

bp = Blueprint("v1", __name__, url_prefix="/api/v1")
WRITE_ERRORS = (400, 413, 415, 422, 429)


@bp.before_request
def require_token() -> None:
    g.principal = tokens.authenticate(store(), request.headers.get("Authorization"))
    check_refusals()  # a token that keeps sending refused requests is slowed down


def _validate(model: type[BaseModel], data: Any) -> Any:
    refused = many_unknown_keys(data)  # refused before validation builds thousands of faults
    if refused:
        raise refused
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        items = validation_errors(exc, in_request=True)
        detail = fault_summary(exc, "The request")
        if (model is EvaluationRequest and isinstance(data, dict) and "proposal" not in data
                and set(data) & set(GROUPS)):
            detail += (' This looks like a bare proposal: send it as {"proposal": {...}} '
                       '(and put what_if and why_not beside it).')
        raise ProposalError(detail, items) from None


def _json(text: str, status: int = 200) -> Response:
    """A response from JSON text already made (stored results are not encoded twice)."""
    return Response(text, status=status, mimetype="application/json")


@bp.post("/evaluations")
@stores
@operation("Evaluate a proposal and store the result", body=EvaluationRequest,
           responses={201: (Evaluation, "The evaluation, stored; Location names it")},
           errors=WRITE_ERRORS)
def create_evaluation():
    """Returns the verdict with its reasons, conditions of award, enrolment requirements and
    the questions to ask. The stored copy (GET) is this same result."""
    req = _validate(EvaluationRequest, json_body())
    evaluation, text = evaluate_and_store(store(), rulebook(), req.proposal,
                                          Actor.of(g.principal), req.what_if, req.why_not,
                                          round_id=req.round)
    response = _json(text, 201)
    response.headers["Location"] = url_for(".get_evaluation", evaluation_id=evaluation.id)
    return response


@bp.get("/evaluations/<evaluation_id>")
@operation("A stored evaluation, exactly as it was returned",
           responses={200: (Evaluation, "The stored evaluation")}, errors=(404,))
def get_evaluation(evaluation_id: str):
    """Unchanged by later rule changes: it carries the ruleset version it was made with."""
    return _json(store().get_json(evaluation_id, owner=g.principal.scope))


@bp.get("/evaluations")
@operation("Stored evaluations, newest first, filtered and paginated", query=ListQuery,
           responses={200: (EvaluationPage, "A page of evaluation summaries")},
           errors=(422,))
def list_evaluations():
    page = ListQuery.strict(request.args).run(store(), g.principal.scope)
    return jsonify(EvaluationPage(items=page.items, total=page.total, limit=page.limit,
                                  offset=page.offset, next_cursor=page.next_cursor
                                  ).model_dump(mode="json"))


@bp.post("/screenings")
@stores
@operation("Screen a batch of proposals (a funding round)", body=ScreeningRequest,
           responses={200: (ScreeningResult, "Results in request order, counts per verdict")},
           errors=WRITE_ERRORS)
def create_screening():
    """All or nothing: if any proposal is invalid (an empty one too: a title and a summary
    alone), the answer is 422 listing every fault by its index (`["proposals", 3, "problem",
    "scope"]`) and nothing is stored; otherwise each is evaluated and stored as a version of
    its application (by reference), and the results come back in order with counts per
    verdict. A proposal unchanged since its application's current evaluation is not stored
    again: its result is that stored evaluation, with `status` "unchanged"; `stored` counts
    the new, changed and unchanged. With `round`, every application joins that (open)
    round. At most MAX_BATCH proposals (100 unless configured) per request."""
    data = json_body()
    limit = current_app.config["MAX_BATCH"]
    given = data.get("proposals") if isinstance(data, dict) else None
    if isinstance(given, list) and len(given) > limit:
        raise ProposalError(f"At most {limit} proposals per screening.",
                            [ErrorItem(("proposals",), f"{len(given)} given")])
    req = _validate(ScreeningRequest, data)
    results, saved = screen_and_store(store(), rulebook(), (
        (str(i), p) for i, p in enumerate(req.proposals)), Actor.of(g.principal),
        all_or_nothing=True, round_id=req.round)
    body = ",".join(
        f'{{"index": {r.index}, "status": "{s.status}", "version": {s.placement.version}, '
        f'"application_id": "{s.placement.application_id}", "evaluation": '
        f'{s.text or store().get_json(s.evaluation_id)}}}'
        for r, s in zip(results, saved, strict=True))
    return _json(f'{{"results": [{body}], "counts": {json.dumps(counts(results))}, '
                 f'"stored": {json.dumps(uploaded(saved))}}}')


def _summary(rule) -> dict:
    return RuleSummary(id=rule.id, title=rule.title, dimension=rule.dimension.value,
                       severity=rule.severity.value, lessons=list(rule.lessons),
                       citation=rule.citation).model_dump()


@bp.get("/rules")
@operation("Every rule, with the lessons each covers",
           responses={200: (RuleList, "The rulebook in use")})
def list_rules():
    rb = rulebook()
    return jsonify({"version": rb.version, "rules": [_summary(r) for r in rb.rules],
                    "lessons": rb.lessons_covered()})


@bp.get("/rules/<rule_id>")
@operation("One rule in full", responses={200: (RuleDetail, "The rule")}, errors=(404,))
def get_rule(rule_id: str):
    rule = rulebook().by_id.get(rule_id)
    if rule is None:
        raise NotFound(f"no rule {rule_id!r}")
    return jsonify(RuleDetail(**_summary(rule), when=to_data(rule.when), message=rule.message,
                              rationale=rule.rationale, recommendation=rule.recommendation,
                              examples=rule.examples.model_dump()).model_dump())


@bp.get("/lessons")
@operation("The paper's lessons L1-L35, with the rules that encode each",
           responses={200: (LessonList, "The lessons of the rulebook in use")})
def list_lessons():
    rb = rulebook()
    return jsonify(LessonList(version=rb.version, lessons=lesson_rows(rb)).model_dump())


@bp.post("/admin/reload")
@operation("Reload the rules from disk (admin tokens only)",
           responses={200: (ReloadResult, "Reloaded in this process"),
                      202: (ReloadResult, "Checked; the server's workers are being replaced")},
           errors=(403, 422))
def reload_rules():
    """The rules are checked first (everything `ccrules rules check` checks); a broken set is
    refused with the checker's messages and the old one keeps serving. Evaluations already
    running finish on the ruleset they started with. Under `ccrules serve` the gunicorn
    master reloads (as on SIGHUP) and replaces its workers gracefully."""
    if not g.principal.admin:
        raise tokens.Forbidden("Only an admin token may reload the rules.")
    app = current_app
    previous = rulebook().version
    master = app.config.get("SERVER_MASTER_PID")
    if master and master != os.getpid():
        new = load_checked(app)  # refuse a broken set here, with the checker's messages
        request_reload(app, new)  # the master installs exactly this set, not a later read
        os.kill(master, signal.SIGHUP)
        body, status = {"status": "reloading", "version": new.version}, 202
    else:
        body, status = {"status": "reloaded", "version": reload_rules_in(app).version}, 200
    return jsonify(ReloadResult(previous=previous, **body).model_dump()), status


# --- panel decisions and agreement -----------------------------------------------------------

@bp.post("/evaluations/<evaluation_id>/decisions")
@stores
@operation("Record the panel's decision on a stored evaluation", body=DecisionRequest,
           responses={201: (DecisionOut, "The decision, stored and now current; Location "
                                         "names the evaluation's decisions")},
           errors=(*WRITE_ERRORS, 404))
def create_decision(evaluation_id: str):
    """Which findings and conditions of award the panel set aside (each with a reason), and
    what it decided. Every item not set aside is accepted. Decisions are never changed: a
    later one supersedes this. Whoever may read the evaluation may decide it; for anyone
    else it does not exist (404). Nothing is stored if any item is refused (422)."""
    principal = g.principal
    store().get_json(evaluation_id, owner=principal.scope)  # 404 before the body is read
    given = DecisionRequest.checked(json_body())
    record = add_decision(store(), evaluation_id, given,
                          Decider(principal.id, principal.name, principal.scope))
    response = jsonify(record.model_dump(mode="json"))
    response.status_code = 201
    response.headers["Location"] = url_for(".list_decisions", evaluation_id=evaluation_id)
    return response


@bp.get("/evaluations/<evaluation_id>/decisions")
@operation("Every decision recorded on an evaluation, newest first",
           responses={200: (DecisionHistory, "The decisions; the first is current")},
           errors=(404,))
def list_decisions(evaluation_id: str):
    verdict, records = history(store(), evaluation_id, g.principal.scope)
    return jsonify(DecisionHistory(evaluation_id=evaluation_id, verdict=verdict, decisions=[
        r.model_dump() for r in records]).model_dump(mode="json"))


@bp.get("/agreement")
@operation("How often the panel's decisions agreed with the verdicts", query=AgreementQuery,
           responses={200: (AgreementOut, "The verdict-by-decision table, the agreement "
                                          "rate and the findings set aside, by rule")},
           errors=(422,))
def get_agreement():
    """Over the evaluations the filters select among those the token may read (an admin
    token: all), using each one's current decision."""
    unknown = [ErrorItem(("query", k), "unknown parameter") for k in request.args
               if k not in AgreementQuery.model_fields]
    if unknown:
        raise InputError(f"The query has {count(len(unknown), 'fault')}.", unknown)
    query = ListQuery.strict(request.args)
    report = agreement_report(store(), g.principal.scope, query.since, query.until,
                              query.verdict.value if query.verdict else None, query.q,
                              query.round)
    return jsonify(report.model_dump(mode="json"))
