"""Signing in through the organisation's provider, in a real browser (issue 26): chromium
against the real server (`ccrules serve`), which signs people in through a real OpenID
Connect provider on loopback (tests/oidc_provider.py: Authlib's server side, its own key
and JWKS). The redirect, the login at the provider, the code exchange with PKCE and the ID
token's checks all happen over HTTP, as they would with Entra or Keycloak."""

from __future__ import annotations

import json

import pytest

from ccrules.store import Store
from ccrules.store.users import add_user

from helpers import EXAMPLES, Served, call, post_evaluation, shot
from oidc_provider import Provider

pytestmark = [pytest.mark.browser, pytest.mark.server]


@pytest.fixture
def provider():
    p = Provider().start()
    yield p
    p.stop()


@pytest.fixture
def sso_server(tmp_path, provider):
    db = tmp_path / "served.db"
    store = Store(db)
    try:
        add_user(store, "Oscar Officer", "oscar@funder.example", "officer")
        add_user(store, "Pat Panel", "pat@funder.example", "panel")
    finally:
        store.close()
    served = Served.start(tmp_path, db=db, env=provider.settings())
    provider.client.redirect_uris = [served.base + "/signin/oidc/callback"]
    yield served
    served.stop()


@pytest.fixture
def tab(browser, sso_server):
    context = browser.new_context(base_url=sso_server.base)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield pg
    assert not [e for e in errors if "Content Security Policy" in e], errors
    context.close()


def sign_in_at_the_provider(pg, provider, login: str) -> None:
    pg.goto("/evaluations")
    assert "/signin" in pg.url
    pg.get_by_role("link", name="Sign in with your organisation").click()
    pg.wait_for_url(provider.issuer + "/authorize**")  # the browser is at the provider now
    pg.get_by_label("E-mail").fill(login)
    pg.get_by_role("button", name="Continue").click()


def test_an_officer_signs_in_through_the_provider_and_records_a_named_decision(
        tab, provider, sso_server):
    provider.add("oscar@funder.example", "Oscar at the provider")
    sign_in_at_the_provider(tab, provider, "oscar@funder.example")
    tab.wait_for_url(sso_server.base + "/evaluations")  # back where they were going
    assert tab.get_by_role("button", name="Sign out (Oscar Officer, officer)").is_visible()
    exchanged = provider.token_requests[-1]
    assert exchanged["code_verifier"] and exchanged["grant_type"] == "authorization_code"
    tab.goto("/")
    tab.locator("#proposal_file").set_input_files(str(EXAMPLES / "ilcop.json"))
    tab.get_by_role("button", name="Evaluate file").click()
    tab.wait_for_url("**/evaluations/*")
    tab.locator("#decision-form select[name=decision]").select_option("declined")
    tab.get_by_role("button", name="Record the decision").click()
    tab.wait_for_url("**#decision")
    assert "recorded by Oscar Officer" in tab.locator("#decision").inner_text()
    shot(tab, "sso-01-decision-by-name")


def test_a_tampered_id_token_is_refused(tab, provider, sso_server):
    provider.add("oscar@funder.example", "Oscar")
    provider.mode = "tamper"
    sign_in_at_the_provider(tab, provider, "oscar@funder.example")
    tab.wait_for_url(sso_server.base + "/signin/oidc/callback**")
    assert "could not be verified" in tab.get_by_role("alert").inner_text()
    assert "BadSignatureError" in tab.get_by_role("alert").inner_text()
    tab.goto("/evaluations")
    assert "/signin" in tab.url  # nobody was signed in


def test_someone_outside_the_allow_list_gets_a_clear_page_at_390px(tab, provider,
                                                                   sso_server):
    provider.add("mallory@elsewhere.example", "Mallory")
    tab.set_viewport_size({"width": 390, "height": 844})
    sign_in_at_the_provider(tab, provider, "mallory@elsewhere.example")
    tab.wait_for_url(sso_server.base + "/signin/oidc/callback**")
    assert tab.get_by_role("heading", name="You are not on this service's list").is_visible()
    text = tab.get_by_role("alert").inner_text()
    assert "mallory@elsewhere.example is not on this service's list of users" in text
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390
    shot(tab, "sso-02-not-allowed-390px")
    tab.goto("/signin")
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390


def test_a_panel_member_has_no_edit_button(tab, provider, sso_server):
    from ccrules.store.rounds import add_member
    status, _, made = call(sso_server.base, "/api/v1/rounds", sso_server.token, {
        "name": "Spring", "opens": "2026-01-01", "closes": "2026-12-31"})
    assert status == 201
    ilcop = json.loads((EXAMPLES / "ilcop.json").read_text())
    status, _, evaluation = call(sso_server.base, "/api/v1/evaluations", sso_server.token,
                                 {"proposal": ilcop, "round": made["id"]})
    assert status == 201
    status, outside = post_evaluation(sso_server.base, sso_server.token,
                                      json.loads((EXAMPLES / "michigan-keystone.json").read_text()))
    assert status == 201
    with Store(sso_server.db) as store:  # Pat sits on the round
        pat = store.db.execute("select id from users where name = 'Pat Panel'").fetchone()[0]
        add_member(store, made["id"], pat)
    provider.add("pat@funder.example", "Pat")
    sign_in_at_the_provider(tab, provider, "pat@funder.example")
    tab.wait_for_url(sso_server.base + "/evaluations")
    assert tab.get_by_role("link", name="New proposal").count() == 0
    tab.goto(f"/evaluations/{evaluation['id']}")
    assert tab.get_by_role("button", name="Record the decision").is_visible()
    assert tab.get_by_role("link", name="Edit and re-evaluate").count() == 0
    assert "Recorded as Pat Panel" in tab.locator("#decision").inner_text()
    shot(tab, "sso-03-panel-result")
    tab.goto(f"/evaluations/{outside['id']}")  # not in a round Pat sits on
    assert tab.get_by_role("heading", name="404 Not found").is_visible()
