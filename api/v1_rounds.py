"""The JSON API's rounds and applications (on the /api/v1 blueprint of api/v1.py, under its
token check): rounds to create, list, read and close; an application's history; what
changed between versions. Rounds and applications are read under the evaluations' rule:
their owner's token, or an admin's; for any other token they do not exist (404)."""

from __future__ import annotations

from flask import g, jsonify, request, url_for

from ccrules.service import ListQuery
from ccrules.store import applications, rounds

from .bodies import json_body
from .openapi import operation
from .round_schemas import (
    ApplicationOut,
    ChangesOut,
    JoinRequest,
    RoundList,
    RoundOut,
    RoundRequest,
)
from .storage import store
from .v1 import WRITE_ERRORS, _validate, bp


def _round(found: dict, counts: bool = False) -> dict:
    out = dict(found)
    if counts:
        out["counts"] = ListQuery(round=found["id"]).counts(store(), g.principal.scope)
    return RoundOut(**out).model_dump(mode="json")


@bp.get("/rounds")
@operation("The rounds this token may read, latest opening first",
           responses={200: (RoundList, "The rounds")})
def list_rounds():
    return jsonify({"rounds": [_round(r) for r in rounds.list_rounds(store(),
                                                                     g.principal.scope)]})


@bp.post("/rounds")
@operation("Create a round", body=RoundRequest,
           responses={201: (RoundOut, "The round; Location names it")}, errors=WRITE_ERRORS)
def create_round():
    """A named cohort with an opening and a closing date. Applications join it on upload
    (`round` in a screening or an evaluation) or later (PUT /applications/{id}/round)."""
    given = RoundRequest.checked(json_body())
    made = rounds.create_round(store(), given, g.principal.id)
    response = jsonify(_round(made))
    response.status_code = 201
    response.headers["Location"] = url_for(".get_round", round_id=made["id"])
    return response


@bp.get("/rounds/<round_id>")
@operation("A round, with the verdicts of its applications' current versions",
           responses={200: (RoundOut, "The round")}, errors=(404,))
def get_round(round_id: str):
    """Its listing is GET /evaluations?round={id} (current versions; versions=all for
    every evaluation)."""
    return jsonify(_round(rounds.get_round(store(), round_id, g.principal.scope), True))


@bp.post("/rounds/<round_id>/close")
@operation("Close a round: it takes no more applications",
           responses={200: (RoundOut, "The round, closed")}, errors=(404,))
def close_round(round_id: str):
    return jsonify(_round(rounds.close_round(store(), round_id, g.principal.scope), True))


@bp.get("/applications/<application_id>")
@operation("An application and its history: every version and evaluation, and decisions",
           responses={200: (ApplicationOut, "The application")}, errors=(404,))
def get_application(application_id: str):
    history = applications.history(store().db, application_id, g.principal.scope)
    return jsonify(ApplicationOut(**history).model_dump(mode="json"))


@bp.put("/applications/<application_id>/round")
@operation("Move an application into a round (or out of any)", body=JoinRequest,
           responses={200: (ApplicationOut, "The application")},
           errors=(*WRITE_ERRORS, 404, 409))
def join_round(application_id: str):
    """The round must be open (409 if closed)."""
    given = _validate(JoinRequest, json_body())
    rounds.assign(store(), application_id, given.round, g.principal.scope)
    return get_application(application_id)


@bp.get("/evaluations/<evaluation_id>/changes")
@operation("What changed in this evaluation's proposal since the version it replaced",
           responses={200: (ChangesOut, "The changes, field by field")}, errors=(404,))
def get_changes(evaluation_id: str):
    """`?against={evaluation id}` compares with another evaluation of the same
    application instead."""
    found = applications.changes(store(), evaluation_id, g.principal.scope,
                                 request.args.get("against") or None)
    return jsonify(ChangesOut(**found).model_dump(mode="json"))
