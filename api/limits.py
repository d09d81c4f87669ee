"""Rate limits on the writing routes, per API token (flask-limiter). The limit comes from
RATE_LIMIT (CCRULES_RATE_LIMIT), e.g. "120 per minute"; counters live in each worker's
memory, so with N workers a token can make up to N times the limit across the server."""

from __future__ import annotations

from flask import Flask, current_app, request
from flask_limiter import Limiter

from ccrules.store.tokens import TOKEN


def token_key() -> str:
    """Who is counted: the token's id (never the secret), else the client address."""
    header = request.headers.get("Authorization", "")
    match = TOKEN.fullmatch(header.partition(" ")[2].strip())
    return f"token:{match.group(1)}" if match else f"addr:{request.remote_addr}"


limiter = Limiter(key_func=token_key, storage_uri="memory://", headers_enabled=True)


def write_limit() -> str:
    return current_app.config["RATE_LIMIT"]


def init_app(app: Flask) -> None:
    limiter.init_app(app)
