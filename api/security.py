"""Security headers on every response, and CSRF protection for the pages' forms."""

from __future__ import annotations

import hmac
import secrets

from flask import Flask, current_app, request, session

from .errors import ApiError

# Pages: no inline script or style, nothing from elsewhere, never framed.
PAGE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
# Swagger UI sets inline styles (not scripts), so /docs allows those.
DOCS_CSP = PAGE_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def check_csrf() -> None:
    sent = request.form.get("csrf_token", "")
    if not sent or not hmac.compare_digest(sent, session.get("csrf", "")):
        cookie = current_app.config.get("SESSION_COOKIE_NAME", "session")
        if (sent and cookie not in request.cookies and not request.is_secure
                and current_app.config.get("SESSION_COOKIE_SECURE")):
            raise ApiError(400, "Bad Request", (
                "Your browser did not send back the sign-in cookie: ccrules marks it Secure, "
                "so browsers keep it only over HTTPS (or on localhost). Open the service "
                "through HTTPS (see docs/deployment.md), or, for a trial on a private "
                "network only, start it with CCRULES_SESSION_COOKIE_SECURE=false."))
        raise ApiError(400, "Bad Request", "The form has expired or did not come from this "
                                           "site; reload the page and try again.")


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csrf_token"] = csrf_token

    @app.after_request
    def headers(response):
        csp = DOCS_CSP if request.path.startswith("/docs") else PAGE_CSP
        response.headers.setdefault("Content-Security-Policy", csp)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers.setdefault("Cache-Control", "no-store")
        return response
