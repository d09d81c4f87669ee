"""One error shape for every failure, and the statuses for each kind of fault:

    {"error": {"status": 422, "title": "...", "detail": "...", "errors": [{"loc": [...],
     "msg": "..."}]}}
"""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from pydantic import BaseModel, Field
from werkzeug.exceptions import HTTPException

from ccrules.access import AccessDenied, Forbidden
from ccrules.errors import CcrulesError, ErrorItem, ProposalError, RuleError
from ccrules.reading import MalformedInput
from ccrules.store import NotFound

log = logging.getLogger("ccrules.api")


class ErrorLocation(BaseModel):
    loc: list[str | int] = Field(description="Where the fault is: keys and list indexes.")
    msg: str


class ErrorDetail(BaseModel):
    status: int
    title: str
    detail: str
    errors: list[ErrorLocation] = Field(default_factory=list)


class ErrorBody(BaseModel):
    """Every error response has this shape."""

    error: ErrorDetail


class ApiError(Exception):
    """An error raised by the web layer itself (wrong content type, bad query...)."""

    def __init__(self, status: int, title: str, detail: str,
                 errors: list[ErrorItem] | None = None):
        super().__init__(detail)
        self.status, self.title, self.detail, self.errors = status, title, detail, errors or []


STATUS_OF = [(MalformedInput, 400), (AccessDenied, 401), (Forbidden, 403), (NotFound, 404),
             (ProposalError, 422), (RuleError, 422)]


JSON_PREFIXES = ("/api/", "/openapi.json", "/healthz", "/docs")


def wants_json() -> bool:
    """API routes (and anything not a page) answer errors in JSON; pages in HTML."""
    return request.path.startswith(JSON_PREFIXES) or request.path.endswith(".json")


def error_response(status: int, title: str, detail: str, errors=()):
    if not wants_json():
        return render_template("error.html", status=status, title=title,
                               detail=detail), status
    body = {"error": {"status": status, "title": title, "detail": detail,
                      "errors": [e.as_dict() for e in errors]}}
    response = jsonify(body)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="ccrules"'
    return response


def _headers(response):
    return response[0].headers if isinstance(response, tuple) else response.headers


def init_app(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def api_error(exc: ApiError):
        return error_response(exc.status, exc.title, exc.detail, exc.errors)

    @app.errorhandler(CcrulesError)
    def library_error(exc: CcrulesError):
        status = next((s for cls, s in STATUS_OF if isinstance(exc, cls)), 500)
        return error_response(status, exc.title, exc.detail, exc.errors)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        detail = exc.description or exc.name
        if exc.code == 429:
            detail = (f"Too many requests with this token (limit {detail}); retry after the "
                      f"number of seconds in the Retry-After header.")
        response = error_response(exc.code or 500, exc.name, detail)
        for name, value in exc.get_headers():  # e.g. Allow on 405, Retry-After on 429
            if name.lower() != "content-type":
                _headers(response)[name] = value
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unexpected error")  # the details go to the log, never to the client
        return error_response(500, "Internal Server Error",
                              "The server could not complete the request.")
