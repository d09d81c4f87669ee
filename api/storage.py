"""Wires the rulebook and the audit store into the app (the flaskr tutorial's pattern), and
reloads the rules while the service runs."""

from __future__ import annotations

import logging
import os
import signal
import threading

from flask import Flask, current_app, g

from ccrules.authoring.checks import all_problems
from ccrules.errors import RuleError
from ccrules.judging.judge import judge_for
from ccrules.resources import builtin_rules
from ccrules.rulebook.loader import Rulebook, load_rulebook
from ccrules.store.database import Store

RULEBOOK = "ccrules.rulebook"
log = logging.getLogger("ccrules.web")


def init_app(app: Flask) -> None:
    install(app, app.config["RULEBOOK"] or load_checked(app))
    app.teardown_appcontext(close_store)

    @app.before_request
    def pin_rulebook() -> None:
        # A request keeps the ruleset it started with, even if the rules reload meanwhile.
        g.rulebook = app.extensions[RULEBOOK]


def load_checked(app: Flask) -> Rulebook:
    """Load the configured rules and run every check `ccrules rules check` runs; raise
    RuleError with the checker's messages if anything is wrong."""
    rulebook = load_rulebook(app.config["RULES"] or builtin_rules())
    problems = all_problems(rulebook)
    if problems:
        raise RuleError(f"{len(problems)} problem(s) in the rules at {rulebook.source}",
                        problems)
    return rulebook


def install(app: Flask, rulebook: Rulebook) -> None:
    _ = judge_for(rulebook).durable  # compile the engine's ruleset now, before workers fork
    store = Store(app.config["DATABASE"])  # creates the schema once, up front
    try:
        store.save_ruleset(rulebook)
    finally:
        store.close()
    app.extensions[RULEBOOK] = rulebook


def request_reload(app: Flask, rulebook: Rulebook) -> None:
    """Ask the server's master to install this checked rulebook (its snapshot is stored):
    the version an admin's reload answers with is then the one served, even if the files
    on disk change again before the master gets to it."""
    store = Store(app.config["DATABASE"], create=False)
    try:
        with store.db.conn:
            store.save_ruleset(rulebook)
            store.db.execute("insert into reload_requests (version, requested_at, pid) "
                             "values (?, datetime('now'), ?)", [rulebook.version, os.getpid()])
    finally:
        store.close()


def _requested(app: Flask) -> Rulebook | None:
    """The rulebook the latest pending reload request names (taken off the queue)."""
    store = Store(app.config["DATABASE"], create=False)
    try:
        with store.db.conn:
            row = store.db.execute("select rowid, version from reload_requests "
                                   "order by rowid desc limit 1").fetchone()
            if row is None:
                return None
            store.db.execute("delete from reload_requests where rowid <= ?", [row[0]])
        return store.ruleset(row[1])
    finally:
        store.close()


def reload_rules(app: Flask) -> Rulebook:
    """Swap in the rules an admin's reload asked for, else the rules on disk, if they pass
    every check; otherwise keep serving the old ones and raise RuleError."""
    try:
        rulebook = _requested(app) or load_checked(app)
    except RuleError as exc:
        log.error("rules not reloaded, the old ruleset %s keeps serving:\n%s",
                  app.extensions[RULEBOOK].version, exc)
        raise
    install(app, rulebook)
    log.info("rules reloaded: ruleset %s", rulebook.version)
    return rulebook


def reload_serving(app: Flask) -> tuple[str, str]:
    """Reload the rules the service serves (RuleError, with the checker's messages, if
    they are broken: the old ones keep serving). Under `ccrules serve` the gunicorn master
    reloads (as on SIGHUP) and replaces its workers gracefully: ("reloading", version);
    otherwise this process swaps them in: ("reloaded", version)."""
    master = app.config.get("SERVER_MASTER_PID")
    if master and master != os.getpid():
        new = load_checked(app)  # refuse a broken set here, with the checker's messages
        request_reload(app, new)  # the master installs exactly this set, not a later read
        os.kill(master, signal.SIGHUP)
        return "reloading", new.version
    return "reloaded", reload_rules(app).version


def rulebook() -> Rulebook:
    return g.rulebook if "rulebook" in g else current_app.extensions[RULEBOOK]


_local = threading.local()


def store() -> Store:
    """This thread's connection to the audit store, kept open across requests: closing the
    last connection to a WAL database checkpoints it, which cost more than the request.
    A forked worker opens its own (the key includes the process id)."""
    key = (os.getpid(), current_app.config["DATABASE"])
    cached = getattr(_local, "stores", None)
    if cached is None:
        cached = _local.stores = {}
    if key not in cached:
        cached[key] = Store(key[1], create=False)  # the schema was made at start-up
    return cached[key]


def close_store(exc: BaseException | None = None) -> None:
    """Roll back anything a failed request left open; the connection stays."""
    s = getattr(_local, "stores", {}).get((os.getpid(), current_app.config["DATABASE"]))
    if s is not None and s.db.conn.in_transaction:
        s.db.conn.rollback()
