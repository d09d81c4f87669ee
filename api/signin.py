"""Signing in to the pages, as a person: through the organisation's OpenID Connect provider
(the authorization-code flow with PKCE, through Authlib's Flask client), or with a local
account's e-mail and password (argon2, rate-limited). Who may enter is decided by the
library (ccrules.store.users: the allow-list of users, or groups mapped to roles).

Configured by CCRULES_OIDC_ISSUER, CCRULES_OIDC_CLIENT_ID, CCRULES_OIDC_CLIENT_SECRET, and
optionally CCRULES_OIDC_ROLE_GROUPS ("admin=<group>,officer=<group>,panel=<group>") and
CCRULES_OIDC_GROUPS_CLAIM (default "groups"); see docs/deployment.md. Authlib fetches the
provider's discovery document and JWKS, sends a state, a nonce and an S256 code challenge,
and checks the ID token's signature, issuer, audience, expiry and nonce; anything it
refuses is a clear page (401), never a session."""

from __future__ import annotations

import logging

import joserfc.errors
import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app, redirect, render_template, request, session, url_for

from ccrules.store import tokens, users
from ccrules.store.users import Role

from .limits import limiter
from .links import link_base
from .storage import store
from .web import bp, safe_next

log = logging.getLogger("ccrules.web")
OAUTH = "ccrules.oauth"
PROVIDER_ERRORS = (AuthlibBaseError, joserfc.errors.JoseError, requests.RequestException,
                   ValueError, KeyError)


def role_groups(text: str | None) -> dict[str, Role]:
    """CCRULES_OIDC_ROLE_GROUPS, e.g. "admin=ccrules-admins,officer=ccrules-officers": the
    provider's group (a name, or an id as Entra sends) for each role."""
    mapping: dict[str, Role] = {}
    for part in (text or "").split(","):
        if part.strip():
            role, _, group = part.partition("=")
            mapping[group.strip()] = users.role_of(role.strip())
    return mapping


def init_app(app: Flask) -> None:
    """Register the provider with Authlib when CCRULES_OIDC_ISSUER is set."""
    app.config["OIDC_ROLE_GROUP_MAP"] = role_groups(app.config.get("OIDC_ROLE_GROUPS"))
    issuer = app.config.get("OIDC_ISSUER")
    if not issuer:
        return
    oauth = OAuth(app)
    oauth.register("oidc", client_id=app.config.get("OIDC_CLIENT_ID"),
                   client_secret=app.config.get("OIDC_CLIENT_SECRET"),
                   server_metadata_url=issuer.rstrip("/") + "/.well-known/openid-configuration",
                   client_kwargs={"scope": "openid email profile",
                                  "code_challenge_method": "S256"})
    app.extensions[OAUTH] = oauth


def _client():
    oauth = current_app.extensions.get(OAUTH)
    return oauth.create_client("oidc") if oauth else None


def _signin_page(error: str | None = None, status: int = 200):
    return render_template("signin.html", error=error, sso=_client() is not None,
                           next=request.args.get("next", "")), status


def _start(who: users.Principal, target: str | None):
    if session.get("sid"):  # signing in again: the earlier session ends for good
        tokens.end_session(store(), session["sid"])
    session.clear()
    session["sid"] = tokens.start_session(store(), who)
    return redirect(safe_next(target))


def _account_key() -> str:
    return "signin-account:" + request.form.get("email", "").strip().lower()[:320]


def _address_key() -> str:
    return f"signin-address:{request.remote_addr}"


@bp.route("/signin", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SIGNIN_LIMIT"], key_func=_account_key,
               methods=["POST"], scope="signin-account")
@limiter.limit(lambda: current_app.config["SIGNIN_ADDRESS_LIMIT"], key_func=_address_key,
               methods=["POST"], scope="signin-address")
def signin():
    """The sign-in page: the organisation's sign-in (when configured) and a local account's
    e-mail and password. Attempts are rate-limited per account (SIGNIN_LIMIT, whatever the
    address: guessing one person's password) and per address (SIGNIN_ADDRESS_LIMIT: trying
    many accounts); a wrong password and an unknown account get the same answer."""
    if request.method == "GET":
        return _signin_page()
    try:
        who = users.check_password(store(), request.form.get("email", ""),
                                   request.form.get("password", ""))
    except users.AccessDenied as exc:
        return _signin_page(exc.detail, 401)
    return _start(who, request.args.get("next"))


@bp.get("/signin/oidc")
def signin_oidc():
    """Off to the organisation's provider, with a state, a nonce and a PKCE challenge."""
    client = _client()
    if client is None:
        return _signin_page("Single sign-on is not configured here (CCRULES_OIDC_ISSUER).",
                            404)
    session["oidc_next"] = safe_next(request.args.get("next"))
    base = link_base()
    callback = (base + url_for("pages.oidc_callback") if base
                else url_for("pages.oidc_callback", _external=True))
    try:
        return client.authorize_redirect(callback)
    except PROVIDER_ERRORS as exc:
        log.warning("single sign-on: the provider could not be reached: %s", exc)
        return _signin_page("Your organisation's sign-in could not be reached; try again "
                            "later, or sign in with a local account.", 503)


@bp.get("/signin/oidc/callback")
def oidc_callback():
    """Back from the provider: the code exchanged (with the PKCE verifier), the ID token
    checked, then the user matched against the allow-list."""
    client = _client()
    if client is None:
        return _signin_page("Single sign-on is not configured here.", 404)
    issuer = current_app.config["OIDC_ISSUER"].rstrip("/")
    try:
        announced = str(client.load_server_metadata().get("issuer", "")).rstrip("/")
        if announced != issuer:  # OpenID Connect Discovery 1.0, section 4.3
            raise ValueError(f"the provider calls itself {announced!r}, not {issuer!r}")
        # Authlib checks the signature (the provider's JWKS), expiry, nonce and azp; the
        # issuer and the audience (our client id) are checked because we ask for them here
        token = client.authorize_access_token(claims_options={
            "iss": {"essential": True, "values": [announced]},
            "aud": {"essential": True, "values": [client.client_id]}})
        claims = token.get("userinfo")
        if not claims:
            raise ValueError("the provider sent no ID token")
    except PROVIDER_ERRORS as exc:
        log.warning("single sign-on refused: %s: %s", type(exc).__name__, exc)
        return _signin_page("The sign-in from your organisation could not be verified "
                            f"({type(exc).__name__}), so nobody was signed in. Try again; if "
                            "it keeps failing, ask your administrator.", 401)
    try:
        who = users.oidc_user(store(), announced, dict(claims),
                              current_app.config["OIDC_ROLE_GROUP_MAP"],
                              current_app.config["OIDC_GROUPS_CLAIM"])
    except users.NotAllowed as exc:
        session.clear()
        return render_template("signin_refused.html", detail=exc.detail), 403
    return _start(who, session.pop("oidc_next", None))


@bp.post("/signout")
def signout():
    """Ends the session here, on the server: a copied cookie no longer works."""
    if session.get("sid"):
        tokens.end_session(store(), session["sid"])
    session.clear()
    return redirect(url_for("pages.signin"))
