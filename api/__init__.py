"""The ccrules HTTP service: a Flask app factory (installed as `ccrules.web`).

Config comes from defaults, then either the `test_config` mapping alone (the environment is
not read, as in Flask's tutorial: a test can never write to a real database), or the
`CCRULES_*` environment variables (e.g. CCRULES_DATABASE, CCRULES_RULES, CCRULES_MAX_BATCH)
followed by `overrides` (what `ccrules serve` was told on its command line).
"""

from __future__ import annotations

import secrets

from flask import Flask

from ccrules.proposal.reading import MAX_BYTES
from ccrules.resources import DEFAULT_DB

from . import (
    admin_pages,
    errors,
    intake,
    intake_pages,
    limits,
    panel_pages,
    rounds_pages,
    security,
    sheets_pages,
    signin,
    storage,
    v1,
    v1_rounds,  # noqa: F401 (its routes join v1's blueprint)
    web,
)
from .docs import register_docs
from .guided import bp as guided_bp

DEFAULTS = {
    "DATABASE": str(DEFAULT_DB),
    "RULES": None,  # a folder of rule files; None: the built-in rules
    "RULEBOOK": None,  # a Rulebook already loaded and checked (tests share one)
    "MAX_CONTENT_LENGTH": MAX_BYTES,  # larger bodies get 413
    "MAX_BATCH": 100,  # proposals per POST /api/v1/screenings
    "BASE_URL": None,  # the service's public address, for links in exports; None: relative
    "RATE_LIMIT": "120 per minute",  # proposals stored per token, whole server (API and pages)
    "REFUSAL_LIMIT": "300 per minute",  # requests refused (4xx) per token, whole server
    "RATE_LIMIT_STORAGE": None,  # None: a SQLite file beside DATABASE; or redis://...
    # Page sessions: a signed, HTTP-only cookie holding the signed-in token's id. Without
    # CCRULES_SECRET_KEY a random key is made at start (sessions end on restart).
    "SECRET_KEY": None,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    # Signing in (api/signin.py, docs/deployment.md): the organisation's OpenID Connect
    # provider, if any, and the rate limits on local password sign-in.
    "OIDC_ISSUER": None,  # e.g. https://login.microsoftonline.com/<tenant>/v2.0
    "OIDC_CLIENT_ID": None,
    "OIDC_CLIENT_SECRET": None,
    "OIDC_ROLE_GROUPS": None,  # "admin=<group>,officer=<group>,panel=<group>"
    "OIDC_GROUPS_CLAIM": "groups",
    "SIGNIN_LIMIT": "10 per minute",  # attempts per account (e-mail), from anywhere
    "SIGNIN_ADDRESS_LIMIT": "50 per minute",  # attempts per client address, any account
}


def create_app(test_config: dict | None = None, *, overrides: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_mapping(DEFAULTS)
    if test_config is not None:
        app.config.from_mapping(test_config)
    else:
        app.config.from_prefixed_env("CCRULES")
        app.config.from_mapping(overrides or {})
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = secrets.token_hex(32)
    storage.init_app(app)  # loads and compiles the rulebook now, before any worker forks
    errors.init_app(app)
    security.init_app(app)
    limits.init_app(app)
    signin.init_app(app)
    app.register_blueprint(v1.bp)  # with the routes of v1_rounds
    app.register_blueprint(web.bp)
    app.register_blueprint(guided_bp)
    app.register_blueprint(panel_pages.bp)
    app.register_blueprint(rounds_pages.bp)
    app.register_blueprint(sheets_pages.bp)
    app.register_blueprint(admin_pages.bp)
    # the application document: POST /api/v1/intake, its page, and the form's suggestions
    app.register_blueprint(intake.api_bp)
    app.register_blueprint(intake_pages.bp)
    app.add_template_global(intake.intake_state)
    register_docs(app)
    return app
