"""Rate limits on everything that stores (flask-limiter): one counter per API token, shared
by the API's evaluations and screenings and the pages' form and batch upload, counted per
proposal stored (a screening of 100 counts 100) and only when something was stored.

The limit is RATE_LIMIT (CCRULES_RATE_LIMIT, e.g. "120 per minute"). The counters live in
RATE_LIMIT_STORAGE (CCRULES_RATE_LIMIT_STORAGE): by default a SQLite file beside the audit
database, shared by every worker of the server; when several servers share the work, point
them all at one Redis or Memcached store (e.g. "redis://host:6379")."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, request, session
from flask_limiter import Limiter

from ccrules.errors import CcrulesError
from ccrules.store.tokens import TOKEN

from . import ratelimit_store  # noqa: F401 (registers the sqlite:// scheme with `limits`)
from .bodies import json_body

SCOPE = "stores"


def caller_key() -> str:
    """Who is counted: the API token's id (never the secret), the signed-in page session's
    token id, else the client address."""
    header = request.headers.get("Authorization", "")
    match = TOKEN.fullmatch(header.partition(" ")[2].strip())
    if match:
        return f"token:{match.group(1)}"
    if session.get("token_id"):
        return f"token:{session['token_id']}"
    return f"addr:{request.remote_addr}"


def proposals_in_request() -> int:
    """How many proposals this request would store: the files of a batch upload, the
    proposals of a screening, else one."""
    if request.mimetype == "multipart/form-data":  # touch the form only when it is one
        files = request.files.getlist("proposal_files")
        return max(1, sum(1 for f in files if f.filename))
    if request.mimetype == "application/json":
        try:
            data: Any = json_body()
        except CcrulesError:
            return 1  # the view answers the fault
        if isinstance(data, dict) and isinstance(data.get("proposals"), list):
            return max(1, len(data["proposals"]))
    return 1


limiter = Limiter(key_func=caller_key, headers_enabled=True)


def write_limit() -> str:
    return current_app.config["RATE_LIMIT"]


# one decorator for every route that stores: a shared counter, per proposal, when stored
stores = limiter.shared_limit(write_limit, scope=SCOPE, cost=proposals_in_request,
                              deduct_when=lambda response: response.status_code < 400)


def init_app(app: Flask) -> None:
    storage = app.config.get("RATE_LIMIT_STORAGE") or \
        f"sqlite://{app.config['DATABASE']}.limits"
    app.config["RATELIMIT_STORAGE_URI"] = storage
    limiter.init_app(app)
