"""Signing in as a person (issue 26): through a real OpenID Connect provider on loopback
(tests/oidc_provider.py, Authlib's server side, its own key and JWKS), and with a local
account's password (argon2, rate-limited). The provider is real HTTP; ccrules is Flask's
test client, the browser's part played by requests (tests/test_browser_signin.py does it
in chromium against the real server)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from ccrules.store import Store
from ccrules.store.users import add_user, find_user

from helpers import PageClient, make_user
from oidc_provider import Provider

CALLBACK = "http://localhost/signin/oidc/callback"  # the test client's own address


@pytest.fixture
def provider():
    p = Provider().start()
    p.client.redirect_uris = [CALLBACK]
    yield p
    p.stop()


@pytest.fixture
def sso_app(tmp_path, rulebook, provider):
    from ccrules.web import create_app
    return create_app({"TESTING": True, "DATABASE": str(tmp_path / "audit.db"),
                       "RULEBOOK": rulebook, "OIDC_ISSUER": provider.issuer,
                       "OIDC_CLIENT_ID": provider.client.client_id,
                       "OIDC_CLIENT_SECRET": provider.client.client_secret,
                       "OIDC_ROLE_GROUPS": "panel=funder-panel,officer=funder-officers"})


def allow(app, name: str, email: str, role: str = "officer") -> None:
    store = Store(app.config["DATABASE"])
    try:
        add_user(store, name, email, role)
    finally:
        store.close()


def user_row(app, email: str) -> dict | None:
    store = Store(app.config["DATABASE"])
    try:
        return find_user(store, email)
    finally:
        store.close()


def sso(client, login: str, next_path: str | None = None):
    """The whole round trip: ccrules to the provider, the person's login there, and back
    to ccrules's callback. Returns (ccrules's answer, the authorization URL it sent)."""
    start = client.get("/signin/oidc" + (f"?next={next_path}" if next_path else ""))
    assert start.status_code == 302, start.get_data(as_text=True)
    authorize = start.headers["Location"]
    form = requests.get(authorize, timeout=10)
    assert form.status_code == 200 and 'name="login"' in form.text.replace("=login", '="login"')
    answer = requests.post(authorize, data={"login": login}, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["Location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == CALLBACK
    return client.get(f"{back.path}?{back.query}"), authorize


def test_sign_in_through_the_provider_with_pkce_and_a_nonce(sso_app, provider):
    allow(sso_app, "Oscar Officer", "oscar@funder.example")
    person = provider.add("oscar@funder.example", "Oscar O. at the provider")
    client = sso_app.test_client()
    r, authorize = sso(client, "oscar@funder.example", "/evaluations")
    assert r.status_code == 302 and r.headers["Location"] == "/evaluations"
    sent = parse_qs(urlsplit(authorize).query)
    assert sent["code_challenge_method"] == ["S256"] and sent["code_challenge"][0]
    assert sent["nonce"][0] and sent["state"][0] and "openid" in sent["scope"][0].split()
    exchanged = provider.token_requests[-1]
    assert exchanged["grant_type"] == "authorization_code" and exchanged["code_verifier"]
    page = client.get("/evaluations").get_data(as_text=True)
    assert "Sign out (Oscar Officer, officer)" in page  # the name the administrator gave
    row = user_row(sso_app, "oscar@funder.example")
    assert row["oidc_subject"] == person.sub and row["oidc_issuer"] == provider.issuer
    # later sign-ins find them by the provider's subject, even under another e-mail
    provider.people["oscar.new@funder.example"] = person
    person.email = "oscar.new@funder.example"
    again = sso_app.test_client()
    r, _ = sso(again, "oscar.new@funder.example")
    assert r.status_code == 302 and r.headers["Location"] == "/"
    assert again.get("/evaluations").status_code == 200


@pytest.mark.parametrize("mode, reason", [
    ("tamper", "BadSignatureError"), ("foreign-key", "BadSignatureError"),
    ("audience", "Invalid claim: 'aud'"), ("nonce", "Invalid claim: 'nonce'")])
def test_an_id_token_that_fails_its_checks_signs_nobody_in(sso_app, provider, mode, reason,
                                                           caplog):
    allow(sso_app, "Oscar Officer", "oscar@funder.example")
    provider.add("oscar@funder.example", "Oscar")
    provider.mode = mode
    client = sso_app.test_client()
    r, _ = sso(client, "oscar@funder.example")
    assert r.status_code == 401
    assert "could not be verified" in r.get_data(as_text=True)
    assert reason in caplog.text  # refused for this reason, logged for the administrator
    after = client.get("/evaluations")
    assert after.status_code == 302 and "/signin" in after.headers["Location"]
    assert user_row(sso_app, "oscar@funder.example")["oidc_subject"] is None  # not bound


def test_a_person_outside_the_allow_list_gets_a_clear_page(sso_app, provider):
    provider.add("mallory@elsewhere.example", "Mallory")
    client = sso_app.test_client()
    r, _ = sso(client, "mallory@elsewhere.example")
    assert r.status_code == 403
    page = r.get_data(as_text=True)
    assert "not on this service&#39;s list of users" in page and "mallory@elsewhere.example" \
        in page and "Ask a ccrules administrator" in page
    assert client.get("/evaluations").status_code == 302
    assert user_row(sso_app, "mallory@elsewhere.example") is None


def test_an_unverified_e_mail_is_not_matched(sso_app, provider):
    allow(sso_app, "Oscar Officer", "oscar@funder.example")
    provider.add("oscar@funder.example", "Not Oscar", email_verified=False)
    r, _ = sso(sso_app.test_client(), "oscar@funder.example")
    assert r.status_code == 403


def test_a_group_mapped_to_a_role_lets_its_members_in_with_that_role(sso_app, provider):
    provider.add("pat@funder.example", "Pat Panel", groups=["funder-panel", "staff"])
    client = sso_app.test_client()
    r, _ = sso(client, "pat@funder.example")
    assert r.status_code == 302
    row = user_row(sso_app, "pat@funder.example")
    assert row["role"] == "panel" and row["name"] == "Pat Panel"
    page = client.get("/evaluations").get_data(as_text=True)
    assert "Sign out (Pat Panel, panel)" in page
    assert client.get("/").headers["Location"] == "/evaluations"  # no form for the panel


def test_a_disabled_user_cannot_sign_in_through_the_provider(sso_app, provider, runner):
    from ccrules.cli import main
    allow(sso_app, "Oscar Officer", "oscar@funder.example")
    provider.add("oscar@funder.example", "Oscar")
    client = sso_app.test_client()
    assert sso(client, "oscar@funder.example")[0].status_code == 302
    result = runner.invoke(main, ["user", "disable", "oscar@funder.example", "--db",
                                  sso_app.config["DATABASE"]])
    assert result.exit_code == 0
    assert client.get("/evaluations").status_code == 302  # the session ended at once
    r, _ = sso(sso_app.test_client(), "oscar@funder.example")
    assert r.status_code == 403 and "disabled" in r.get_data(as_text=True)


def test_a_callback_with_a_forged_state_is_refused(sso_app, provider):
    allow(sso_app, "Oscar Officer", "oscar@funder.example")
    provider.add("oscar@funder.example", "Oscar")
    client = sso_app.test_client()
    client.get("/signin/oidc")
    r = client.get("/signin/oidc/callback?code=made-up&state=made-up")
    assert r.status_code == 401 and "could not be verified" in r.get_data(as_text=True)
    r = client.get("/signin/oidc/callback?error=access_denied&error_description=no")
    assert r.status_code == 401


def test_the_sign_in_page_offers_the_provider_only_when_configured(app, sso_app):
    assert 'id="sso"' in sso_app.test_client().get("/signin").get_data(as_text=True)
    plain = app.test_client()
    assert 'id="sso"' not in plain.get("/signin").get_data(as_text=True)
    r = plain.get("/signin/oidc")
    assert r.status_code == 404 and "not configured" in r.get_data(as_text=True)


def test_an_unreachable_provider_is_a_clear_page(tmp_path, rulebook):
    from ccrules.web import create_app

    from helpers import free_port
    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "a.db"),
                      "RULEBOOK": rulebook, "OIDC_ISSUER": f"http://127.0.0.1:{free_port()}",
                      "OIDC_CLIENT_ID": "x", "OIDC_CLIENT_SECRET": "y"})
    r = app.test_client().get("/signin/oidc")
    assert r.status_code == 503 and "could not be reached" in r.get_data(as_text=True)


# --- local accounts --------------------------------------------------------------------------

def test_a_password_is_stored_as_an_argon2_hash(app):
    email, password = make_user(app, "Lena Local")
    row = user_row(app, email)
    assert row["password_hash"].startswith("$argon2id$") and password not in \
        row["password_hash"]


def test_local_sign_in_is_rate_limited_per_account_and_per_address(tmp_path, rulebook):
    from ccrules.web import create_app
    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "a.db"),
                      "RULEBOOK": rulebook, "SIGNIN_LIMIT": "3 per minute",
                      "SIGNIN_ADDRESS_LIMIT": "6 per minute"})
    email, password = make_user(app, "Lena Local")
    other = make_user(app, "Omar Other")
    pages = PageClient(app.test_client())
    for _ in range(3):
        assert pages.sign_in((email, "guessed wrong")).status_code == 401
    limited = pages.sign_in((email, password))  # even the right password, for now
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert "Too many sign-in attempts" in limited.get_data(as_text=True)
    elsewhere = PageClient(app.test_client())
    r = elsewhere.client.post("/signin", data={"email": email, "password": password,
                                               "csrf_token": elsewhere.csrf("/signin")},
                              environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert r.status_code == 429  # the account is limited from any address
    assert pages.sign_in(other).status_code == 302  # another account from the same address
    tries = [pages.sign_in((f"x{i}@example.org", "guessing")).status_code for i in range(2)]
    assert tries[0] == 401  # ...until the address has tried 6 times, whichever accounts
    assert pages.sign_in(make_user(app, "Third")).status_code == 429
