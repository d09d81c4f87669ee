"""Wires the rulebook and the audit store into the app (the flaskr tutorial's pattern)."""

from __future__ import annotations

from flask import Flask, current_app, g

from ccrules.rulebook import Rulebook, load_rulebook
from ccrules.store import Store

RULEBOOK = "ccrules.rulebook"


def init_app(app: Flask) -> None:
    rulebook = load_rulebook(app.config["RULES"])
    _ = rulebook.durable  # compile the engine's ruleset now; gunicorn forks after this
    app.extensions[RULEBOOK] = rulebook
    store = Store(app.config["DATABASE"])  # creates the schema once, up front
    store.save_ruleset(rulebook)
    store.close()
    app.teardown_appcontext(close_store)


def rulebook() -> Rulebook:
    return current_app.extensions[RULEBOOK]


def store() -> Store:
    """This request's connection to the audit store."""
    if "store" not in g:
        g.store = Store(current_app.config["DATABASE"])
    return g.store


def close_store(exc: BaseException | None = None) -> None:
    s = g.pop("store", None)
    if s is not None:
        s.close()
