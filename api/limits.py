"""Rate limits on everything that stores (flask-limiter): one counter per API token, shared
by the API's evaluations and screenings and the pages' form and batch upload, counted per
proposal stored (a screening of 100 counts 100) and only when something was stored. A
second, generous counter per token (REFUSAL_LIMIT, CCRULES_REFUSAL_LIMIT) counts the
requests refused (any 4xx but 429) on every route that needs a token, so no token can send
an unlimited stream of costly refusals.

Who is counted is who was authenticated: the API token the request proved (api/v1.py), or
the person of the signed-in page session (api/web.py); never a token id merely named in a
header. Local password sign-in has limits of its own (api/signin.py). Each request also
gets a small budget of did-you-mean suggestions.

The limit is RATE_LIMIT (CCRULES_RATE_LIMIT, e.g. "120 per minute"). The counters live in
RATE_LIMIT_STORAGE (CCRULES_RATE_LIMIT_STORAGE): by default a SQLite file beside the audit
database, shared by every worker of the server; when several servers share the work, point
them all at one Redis or Memcached store (e.g. "redis://host:6379")."""

from __future__ import annotations

import time
from typing import Any

from flask import Flask, Response, current_app, g, request
from flask_limiter import Limiter
from werkzeug.exceptions import TooManyRequests

from ccrules.errors import CcrulesError
from ccrules.suggestions import end_budget, start_budget
from limits import parse

from . import ratelimit_store  # noqa: F401 (registers the sqlite:// scheme with `limits`)
from .bodies import json_body

SCOPE = "stores"
REFUSALS = "refusals"


def caller_key() -> str:
    """Who is counted: the id of the caller this request was authenticated as (an API
    token, or a page session's user), never a secret; else the client address."""
    principal = g.get("principal")
    if principal is not None:
        return f"token:{principal.id}"
    return f"addr:{request.remote_addr}"


def check_refusals() -> None:
    """Once the caller is known: 429 if its token has used up its budget of refusals."""
    item = parse(current_app.config["REFUSAL_LIMIT"])
    if not limiter.limiter.test(item, caller_key(), REFUSALS):
        reset, _ = limiter.limiter.get_window_stats(item, caller_key(), REFUSALS)
        raise TooManyRequests(description=f"{item} for refused requests",
                              retry_after=max(1, int(reset - time.time()) + 1))


def count_refusal(response: Response) -> Response:
    """A refused request (4xx but 429) of an authenticated caller spends its budget."""
    if g.get("principal") is not None and 400 <= response.status_code < 500 \
            and response.status_code != 429:
        limiter.limiter.hit(parse(current_app.config["REFUSAL_LIMIT"]), caller_key(),
                            REFUSALS)
    return response


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
    app.before_request(start_budget)  # a few did-you-mean suggestions per request
    app.teardown_request(end_budget)
    app.after_request(count_refusal)
