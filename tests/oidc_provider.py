"""A small, real OpenID Connect provider for the tests, built with Authlib's server side
(authlib.integrations.flask_oauth2 with the authorization-code grant, PKCE and OpenID
Connect's ID token), served by werkzeug on a loopback port in a thread.

It has its own RSA signing key and publishes it as a JWKS, a discovery document, an
authorization endpoint with a login form (the person types their e-mail, as at a real
provider), and a token endpoint that exchanges the code (checking the client's secret and
the PKCE verifier) for an access token and a signed ID token.

`mode` makes it misbehave, to show that ccrules refuses what it should:
"tamper" alters the ID token's payload after signing (the signature no longer matches),
"audience" issues the ID token for another client, "nonce" puts another nonce in it,
"foreign-key" signs it with a key that is not in the JWKS."""

from __future__ import annotations

import base64
import functools
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import grants
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask, jsonify, request
from joserfc.jwk import KeySet, RSAKey
from markupsafe import escape
from werkzeug.serving import make_server


@dataclass
class Person:
    email: str
    name: str
    sub: str = field(default_factory=lambda: secrets.token_hex(8))
    groups: list[str] = field(default_factory=list)
    email_verified: bool = True


@dataclass
class Client:
    client_id: str
    client_secret: str
    redirect_uris: list[str] = field(default_factory=list)

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        return self.redirect_uris[0] if self.redirect_uris else None

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in (scope or "").split() if s in ("openid", "email",
                                                                     "profile"))

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class Code:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    email: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


@functools.cache
def _signing_keys() -> tuple[RSAKey, RSAKey]:
    """The provider's signing key and a foreign key under the same key id (to forge a token
    with), made once per process: a 2048-bit RSA key costs about 0.1 s to make."""
    key = RSAKey.generate_key(2048, parameters={"kid": secrets.token_hex(4), "use": "sig",
                                                "alg": "RS256"})
    return key, RSAKey.generate_key(2048, parameters={"kid": key.kid, "alg": "RS256"})


class Provider:
    """The provider; `start()` serves it and sets `issuer` (its base URL)."""

    def __init__(self, client_id: str = "ccrules", client_secret: str | None = None):
        self.key, self.foreign = _signing_keys()
        self.client = Client(client_id, client_secret or secrets.token_urlsafe(24))
        self.people: dict[str, Person] = {}
        self.codes: dict[str, Code] = {}
        self.mode = "good"
        self.token_requests: list[dict[str, str]] = []  # what the token endpoint was sent
        self.issuer = ""
        self.app = self._app()

    def add(self, email: str, name: str, **kw: Any) -> Person:
        self.people[email] = person = Person(email, name, **kw)
        return person

    # -- Authlib's server side --------------------------------------------------------------
    def _app(self) -> Flask:
        provider = self
        app = Flask("test-oidc-provider")

        class CodeGrant(grants.AuthorizationCodeGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

            def save_authorization_code(self, code: str, req: Any) -> None:
                data = req.payload.data
                provider.codes[code] = Code(code, req.client.client_id,
                                            req.payload.redirect_uri, req.scope,
                                            req.user.email, data.get("nonce"),
                                            data.get("code_challenge"),
                                            data.get("code_challenge_method"))

            def query_authorization_code(self, code: str, client: Any) -> Code | None:
                found = provider.codes.get(code)
                return found if found and found.client_id == client.client_id else None

            def delete_authorization_code(self, authorization_code: Code) -> None:
                provider.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code: Code) -> Person:
                return provider.people[authorization_code.email]

        class OpenID(OpenIDCode):
            def resolve_client_private_key(self, client: Any) -> RSAKey:
                return provider.foreign if provider.mode == "foreign-key" else provider.key

            def get_client_algorithm(self, client: Any) -> str:
                return "RS256"

            def get_encode_header(self, client: Any) -> dict:
                return {"alg": "RS256", "kid": provider.key.kid}

            def get_client_claims(self, client: Any) -> dict:
                if provider.mode == "audience":  # azp names us: only the aud check refuses it
                    return {"iss": provider.issuer, "aud": "someone-else",
                            "azp": client.client_id}
                return {"iss": provider.issuer, "aud": [client.client_id]}

            def exists_nonce(self, nonce: str, req: Any) -> bool:
                return any(c.nonce == nonce for c in provider.codes.values())

            def generate_user_info(self, user: Person, scope: str) -> UserInfo:
                info = UserInfo(sub=user.sub, name=user.name, email=user.email,
                                email_verified=user.email_verified, groups=user.groups)
                if provider.mode == "nonce":
                    info["nonce"] = "not-the-one-sent"
                return info

        server = AuthorizationServer(app, query_client=self._query_client,
                                     save_token=lambda token, req: None)
        server.register_grant(CodeGrant, [CodeChallenge(required=True),
                                          OpenID(require_nonce=True)])

        @app.get("/.well-known/openid-configuration")
        def discovery():
            return jsonify({
                "issuer": provider.issuer,
                "authorization_endpoint": provider.issuer + "/authorize",
                "token_endpoint": provider.issuer + "/token",
                "jwks_uri": provider.issuer + "/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "scopes_supported": ["openid", "email", "profile"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic",
                                                          "client_secret_post"],
                "code_challenge_methods_supported": ["S256"],
                "claims_supported": ["sub", "name", "email", "email_verified", "groups"]})

        @app.get("/jwks")
        def jwks():
            return jsonify(KeySet([provider.key]).as_dict(private=False))

        @app.route("/authorize", methods=["GET", "POST"])
        def authorize():
            if request.method == "GET":
                try:
                    server.get_consent_grant(end_user=None)  # refuse a bad request here
                except Exception as exc:  # shown as the provider's own error page
                    return f"<p id='provider-error'>{escape(str(exc))}</p>", 400
                return (
                    "<!doctype html><title>Test provider</title><h1>Test provider</h1>"
                    "<form method=post><label for=login>E-mail</label>"
                    "<input id=login name=login autocomplete=off>"
                    "<button type=submit>Continue</button></form>")
            person = provider.people.get(request.form.get("login", ""))
            if person is None:
                return "<p id='provider-error'>No such person at the provider.</p>", 401
            grant = server.get_consent_grant(end_user=person)
            return server.create_authorization_response(grant_user=person, grant=grant)

        @app.post("/token")
        def token():
            provider.token_requests.append(dict(request.form))
            response = server.create_token_response()
            if provider.mode == "tamper" and response.status_code == 200:
                body = json.loads(response.get_data())
                head, payload, signature = body["id_token"].split(".")
                claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
                claims["email"] = "someone.else@example.org"  # signed for another person
                forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=")
                body["id_token"] = f"{head}.{forged.decode()}.{signature}"
                response.set_data(json.dumps(body))
            return response

        return app

    def _query_client(self, client_id: str) -> Client | None:
        return self.client if client_id == self.client.client_id else None

    # -- serving ----------------------------------------------------------------------------
    def start(self) -> Provider:
        self._server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.issuer = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.02}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()  # returns within a poll interval
        self._thread.join(timeout=10)

    def settings(self) -> dict[str, str]:
        """The CCRULES_OIDC_* settings a ccrules server needs to use this provider."""
        return {"CCRULES_OIDC_ISSUER": self.issuer,
                "CCRULES_OIDC_CLIENT_ID": self.client.client_id,
                "CCRULES_OIDC_CLIENT_SECRET": self.client.client_secret}
