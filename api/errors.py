"""One error shape for every failure, built from one model (ErrorBody):

    {"error": {"status": 422, "title": "...", "detail": "...", "errors": [{"loc": [...],
     "msg": "..."}]}}

API routes answer in JSON, pages in HTML. Every 5xx is logged with its traceback and
answers a generic body: what went wrong inside stays in the log.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, make_response, render_template, request
from pydantic import BaseModel, Field
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from ccrules.errors import CcrulesError, ErrorItem

log = logging.getLogger("ccrules.web")
GENERIC_500 = ("Internal Server Error", "The server could not complete the request.")


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


JSON_PREFIXES = ("/api/", "/openapi.json", "/healthz", "/docs")


def wants_json() -> bool:
    """API routes (and anything not a page) answer errors in JSON; pages in HTML, unless
    the request prefers JSON (the batch upload's script sends Accept: application/json)."""
    if request.path.startswith(JSON_PREFIXES) or request.path.endswith(".json"):
        return True
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == \
        "application/json"


def error_body(status: int, title: str, detail: str,
               errors: list[ErrorItem] | tuple[()] = ()) -> ErrorBody:
    """The one builder of an error body."""
    return ErrorBody(error=ErrorDetail(status=status, title=title, detail=detail, errors=[
        ErrorLocation(loc=[x if isinstance(x, int) else str(x) for x in e.loc], msg=e.msg)
        for e in errors]))


def error_response(status: int, title: str, detail: str,
                   errors: list[ErrorItem] | tuple[()] = ()) -> Response:
    if status >= 500:  # what went wrong inside is in the log, not in the answer
        title = HTTP_STATUS_CODES.get(status, GENERIC_500[0])
        detail, errors = GENERIC_500[1], ()
    if wants_json():
        response = jsonify(error_body(status, title, detail, errors).model_dump(mode="json"))
        response.status_code = status
    else:
        response = make_response(render_template(
            "error.html", status=status, title=title, detail=detail,
            errors=[e.as_dict() for e in errors]), status)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="ccrules"'
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def api_error(exc: ApiError) -> Response:
        return error_response(exc.status, exc.title, exc.detail, exc.errors)

    @app.errorhandler(CcrulesError)
    def library_error(exc: CcrulesError) -> Response:
        if exc.status >= 500:
            log.error("%s: %s", exc.title, exc, exc_info=exc)
        return error_response(exc.status, exc.title, exc.detail, exc.errors)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        status = exc.code or 500
        if status >= 500:
            log.error("HTTP %s: %s", status, exc, exc_info=exc)
        detail = exc.description or exc.name
        if status == 429 and request.path.startswith("/signin"):
            detail = (f"Too many sign-in attempts from this address (limit {detail}); wait "
                      f"the number of seconds in the Retry-After header and try again.")
        elif status == 429:
            detail = (f"Too many requests with this token (limit {detail}); retry after the "
                      f"number of seconds in the Retry-After header.")
        response = error_response(status, exc.name, detail)
        for name, value in exc.get_headers():  # e.g. Allow on 405, Retry-After on 429
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        log.error("unexpected error", exc_info=exc)  # the details go to the log only
        return error_response(500, *GENERIC_500)
