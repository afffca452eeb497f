"""Every route's declared role is enforced; CSRF, fixation, XSS, traversal and injection attempts fail."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient

from pophealth.access.users import add_user
from pophealth.web.app import create_app
from pophealth.web.pages import route_registry

PASSWORD = "a long enough password"
ROLES_TO_TRY = ["analyst", "action_lead", "care_team", "admin"]


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = create_app(tmp_path_factory.mktemp("sec") / "w.duckdb")
    con = app.state.con.cursor()
    for role in ROLES_TO_TRY:
        add_user(con, role, PASSWORD, role, practice_code="C82001" if role == "care_team" else None)
    con.close()
    return app


def login(client: TestClient, username: str, **extra: str):
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    r = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token, **extra},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    return r


def concrete(path: str) -> str:
    """A real address for a route pattern (the value need not exist: protection comes before lookup)."""
    return re.sub(r"\{[^}]+\}", "1", path)


def test_routes_json_lists_every_route_with_a_role(app, tmp_path):
    out = subprocess.run([sys.executable, "-m", "pophealth.cli", "routes", "--json", "--db", str(tmp_path / "r.duckdb")],
                         capture_output=True, text=True, check=True)
    listed = json.loads(out.stdout)
    assert listed and all(set(r) == {"path", "methods", "role"} for r in listed)
    served = {(r.path, m) for r in app.routes if hasattr(r, "methods") for m in r.methods if m != "HEAD"}
    declared = {(r["path"], m) for r in listed for m in r["methods"]}
    assert served <= declared, f"routes without a declared role: {served - declared}"


def test_no_protected_get_route_answers_without_login(app):
    client = TestClient(app)
    protected = [r for r in route_registry(app) if r.role != "public" and "GET" in r.methods]
    assert protected, "there should be protected routes to check"
    for r in protected:
        resp = client.get(concrete(r.path), follow_redirects=False)
        assert resp.status_code in (303, 401), (r.path, resp.status_code)


@pytest.mark.parametrize("role", ROLES_TO_TRY)
def test_each_role_reaches_only_what_it_may(app, role):
    from pophealth.access.roles import GRANTS

    client = TestClient(app)
    login(client, role)
    for r in route_registry(app):
        if "GET" not in r.methods or r.role == "public":
            continue
        resp = client.get(concrete(r.path), follow_redirects=False)
        if role in GRANTS[r.role]:
            assert resp.status_code not in (401, 403), (role, r.path)
        else:
            assert resp.status_code == 403, (role, r.path, resp.status_code)


def test_post_without_csrf_token_is_refused(app):
    client = TestClient(app)
    login(client, "analyst")
    assert client.post("/logout").status_code == 403
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 403


def test_session_fixation_is_prevented(app):
    client = TestClient(app)
    client.cookies.set("pophealth_session", "attacker-chosen-value")
    response = login(client, "analyst")
    issued = response.headers["set-cookie"].split(";")[0].split("=", 1)[1]
    assert issued and issued != "attacker-chosen-value"
    stranger = TestClient(app)
    stranger.cookies.set("pophealth_session", "attacker-chosen-value")
    assert stranger.get("/api/admin/audit").status_code == 401


def test_sign_in_redirects_only_within_the_site(app):
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        r = login(TestClient(app), "analyst", next=target)
        assert r.headers["location"] == "/"
    assert login(TestClient(app), "analyst", next="/pledges/3").headers["location"] == "/pledges/3"


def test_sign_in_form_escapes_what_was_typed(app):
    client = TestClient(app)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    r = client.post("/login", data={"username": '"><script>alert(1)</script>', "password": "", "csrf_token": token})
    assert r.status_code == 400
    assert "<script>alert(1)</script>" not in r.text and "&lt;script&gt;" in r.text


@pytest.mark.parametrize("path", ["/static/../../pyproject.toml", "/static/%2e%2e/%2e%2e/pyproject.toml",
                                  "/assets/../../../etc/passwd", "/static/..%2f..%2fpyproject.toml"])
def test_path_traversal_on_static_files(app, path):
    r = TestClient(app).get(path)
    assert r.status_code == 404 or "[project]" not in r.text and "root:" not in r.text


def test_session_cookie_flags(app):
    client = TestClient(app)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    r = client.post("/login", data={"username": "analyst", "password": PASSWORD, "csrf_token": token},
                    follow_redirects=False)
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


INJECTIONS = ["' OR '1'='1", "x'; DROP TABLE app_user; --", "%' UNION SELECT password_hash FROM app_user --"]


@pytest.mark.parametrize("value", INJECTIONS)
def test_sql_injection_through_filters_and_paths(app, value):
    from tests.delivery_support import build_demo_tracker

    con = app.state.con.cursor()
    if not con.execute("SELECT count(*) FROM delivery_action").fetchone()[0]:
        build_demo_tracker(con)
    con.close()
    client = TestClient(app)
    login(client, "analyst")
    for key in ("theme", "priority", "rag", "lead", "overdue"):
        r = client.get("/api/delivery", params={key: value})
        assert r.status_code in (200, 400, 422), (key, r.status_code)
        if r.status_code == 200:
            if key != "overdue":  # overdue takes yes/no; any other value means "no filter"
                assert r.json()["rows"] == [], key
            assert "argon2" not in r.text
    assert client.get("/api/places/" + value).status_code == 404
    assert client.get("/api/pledges/1/places", params={"area": value}).status_code in (200, 404)
    con = app.state.con.cursor()
    assert con.execute("SELECT count(*) FROM app_user").fetchone()[0] == len(ROLES_TO_TRY)
    con.close()


def test_a_post_sharing_a_path_with_a_public_get_keeps_its_own_role(tmp_path):
    """GET and POST on one path are separate routes; the POST's role must not fall back to the GET's."""
    from fastapi.responses import PlainTextResponse

    from pophealth.web.pages import PageContext, add_page, declare_route

    app = create_app(tmp_path / "w.duckdb")

    async def write(request):
        return PlainTextResponse("written")

    add_page(app, "/probe", "error.jinja", lambda request: PageContext(title="probe"), role="public", name="probe")
    app.add_api_route("/probe", write, methods=["POST"])
    declare_route(app, "/probe", ("POST",), "admin")
    app.router.routes.sort(key=lambda r: getattr(r, "path", "") != "/probe")  # the GET first
    client = TestClient(app)
    assert client.get("/probe").status_code == 200
    token = client.cookies.get("pophealth_csrf")
    r = client.post("/probe", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code in (303, 401) and r.text != "written"
