"""Signing in from tests: accounts made directly in the app's warehouse, sign-in through the real form."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from pophealth.access.users import add_user, get_user

PASSWORD = "a long enough password"


def ensure_user(app, username: str, role: str, **scope: str | None) -> None:
    con = app.state.con.cursor()
    try:
        if get_user(con, username) is None:
            add_user(con, username, PASSWORD, role, display_name=username.replace("_", " ").title(), **scope)
    finally:
        con.close()


def signed_in_client(app, role: str, username: str | None = None, **scope: str | None) -> TestClient:
    """A TestClient signed in through ``POST /login`` as a user with ``role``."""
    username = username or f"test_{role}"
    ensure_user(app, username, role, **scope)
    client = TestClient(app)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    r = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    return client


def csrf_of(client: TestClient, path: str) -> str:
    """The CSRF token embedded in a page's form."""
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text).group(1)


def browser_sign_in(page, base_url: str, app, role: str, username: str | None = None, **scope: str | None) -> None:
    username = username or f"test_{role}"
    ensure_user(app, username, role, **scope)
    page.goto(base_url + "/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()
