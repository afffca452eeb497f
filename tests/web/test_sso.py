"""Single sign-on through a stand-in provider: the identity must be proven, current, ours and known."""

from __future__ import annotations

import time
from urllib.parse import urlparse

import pytest
from fastapi.testclient import TestClient

from pophealth.access.sso import SsoSettings
from pophealth.errors import ConfigError
from pophealth.web.app import create_app
from tests.auth_support import ensure_user
from tests.sso_support import ISSUER, FakeProvider


@pytest.fixture
def provider():
    return FakeProvider()


@pytest.fixture
def app(tmp_path, provider):
    app = create_app(tmp_path / "w.duckdb")
    app.state.sso = provider.client()
    ensure_user(app, "jo.bloggs@nhs.net", "care_team", practice_code="C82001")
    return app


def _begin(client: TestClient, next_path: str = "/care") -> str:
    r = client.get(f"/login/sso?next={next_path}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith(ISSUER + "/authorize?")
    return r.headers["location"]


def _return(client: TestClient, callback_url: str):
    parsed = urlparse(callback_url)
    return client.get(f"{parsed.path}?{parsed.query}", follow_redirects=False)


def test_a_proven_identity_with_an_account_is_signed_in_with_its_role_and_scope(app, provider):
    client = TestClient(app)
    assert "Sign in with your NHS account" in client.get("/login").text
    r = _return(client, provider.sign_in(_begin(client), email="Jo.Bloggs@NHS.net"))  # case does not matter
    assert r.status_code == 303 and r.headers["location"] == "/care"
    assert client.get("/api/care").status_code == 200
    assert "Sign out" in client.get("/").text


def test_the_answer_is_single_use_and_must_match_a_sign_in_we_started(app, provider):
    client = TestClient(app)
    callback = provider.sign_in(_begin(client), email="jo.bloggs@nhs.net")
    assert _return(client, callback).status_code == 303
    again = TestClient(app)
    replay = _return(again, callback)
    assert replay.status_code == 403 and "expired or was already used" in replay.text
    forged = _return(again, callback.split("state=")[0] + "state=made-up")
    assert forged.status_code == 403 and again.get("/api/care").status_code == 401


def test_an_answer_meant_for_another_browser_is_refused(app, provider):
    """Login CSRF: an attacker starts a sign-in, signs in as themself, and sends the victim the way back."""
    attacker, victim = TestClient(app), TestClient(app)
    ensure_user(app, "attacker@nhs.net", "analyst")
    callback = provider.sign_in(_begin(attacker), email="attacker@nhs.net")
    r = _return(victim, callback)
    assert r.status_code == 403 and "started in another browser" in r.text
    assert victim.get("/api/delivery").status_code == 401
    assert provider.token_requests == 0  # refused before the code was ever used


@pytest.mark.parametrize("tamper,reason", [
    ({"key": "other"}, "Signature"),                       # not signed by the provider's published key
    ({"aud": "another-app"}, "audience"),                  # issued for someone else
    ({"iss": "https://evil.example"}, "issuer"),
    ({"exp": int(time.time()) - 3600}, "expired"),
    ({"nonce": "not-ours"}, "nonce"),                      # replayed from another sign-in
])
def test_a_token_that_is_not_proven_current_and_ours_is_refused(app, provider, tamper, reason):
    provider.tamper = tamper
    client = TestClient(app)
    r = _return(client, provider.sign_in(_begin(client), email="jo.bloggs@nhs.net"))
    assert r.status_code == 403 and "could not be verified" in r.text and reason.lower() in r.text.lower()
    assert client.get("/api/care").status_code == 401


def test_unknown_or_disabled_people_and_provider_errors_are_refused(app, provider):
    from pophealth.access.accounts import disable

    client = TestClient(app)
    r = _return(client, provider.sign_in(_begin(client), email="stranger@nhs.net"))
    assert r.status_code == 403 and "no pophealth account for stranger@nhs.net" in r.text
    con = app.state.con.cursor()
    disable(con, "jo.bloggs@nhs.net", by="Admin")
    con.close()
    r = _return(client, provider.sign_in(_begin(client), email="jo.bloggs@nhs.net"))
    assert r.status_code == 403
    r = client.get("/login/sso/callback?error=access_denied&error_description=User+cancelled", follow_redirects=False)
    assert r.status_code == 400 and "User cancelled" in r.text
    assert client.get("/api/care").status_code == 401


def test_a_wrong_code_verifier_is_refused_by_the_provider(app, provider):
    client = TestClient(app)
    callback = provider.sign_in(_begin(client), email="jo.bloggs@nhs.net")
    code = next(iter(provider.codes))
    provider.codes[code]["challenge"] = "someone-elses-challenge"  # the code was issued to another sign-in
    assert _return(client, callback).status_code == 403


def test_without_settings_there_is_no_sso_and_half_settings_are_an_error(tmp_path):
    app = create_app(tmp_path / "w.duckdb")
    assert app.state.sso is None
    client = TestClient(app)
    assert "Sign in with your NHS account" not in client.get("/login").text
    assert client.get("/login/sso", follow_redirects=False).status_code == 404
    assert SsoSettings.from_env({}) is None
    with pytest.raises(ConfigError, match="both"):
        SsoSettings.from_env({"POPHEALTH_SSO_ISSUER": ISSUER})
    settings = SsoSettings.from_env({"POPHEALTH_SSO_ISSUER": ISSUER + "/", "POPHEALTH_SSO_CLIENT_ID": "x",
                                     "POPHEALTH_SSO_USERNAME_CLAIM": "preferred_username"})
    assert (settings.issuer, settings.username_claim) == (ISSUER, "preferred_username")


def test_an_admin_adds_an_account_for_single_sign_on_only(app, provider):
    from tests.auth_support import csrf_of, signed_in_client

    admin = signed_in_client(app, "admin", "root")
    form = {"username": "sam@nhs.net", "display_name": "Sam", "role": "analyst", "password": "",
            "csrf_token": csrf_of(admin, "/admin/users")}
    assert admin.post("/admin/users/new", data=form, follow_redirects=False).status_code == 303
    assert admin.get("/api/admin/users/sam@nhs.net").json()["changes"][0]["change"] == (
        "created as analyst (single sign-on only)")
    client = TestClient(app)
    assert _return(client, provider.sign_in(_begin(client, "/delivery"), email="sam@nhs.net")).status_code == 303
    assert client.get("/api/delivery").status_code == 200
    app.state.sso = None  # without single sign-on a password is required
    form["username"] = "lee@nhs.net"
    assert admin.post("/admin/users/new", data=form, follow_redirects=False).status_code == 400
