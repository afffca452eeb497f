"""Admins manage accounts on the web while the server holds the warehouse; nobody else can."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from pophealth.web.app import create_app
from tests.auth_support import PASSWORD, csrf_of, signed_in_client


@pytest.fixture
def app(tmp_path):
    app = create_app(tmp_path / "w.duckdb")
    app.state.cache.recheck_seconds = 3600  # changes must take effect because they were posted
    return app


def _post(client: TestClient, path: str, **form: str):
    # the session's token, from the sign-out form every page carries
    return client.post(path, data={**form, "csrf_token": csrf_of(client, "/")}, follow_redirects=False)


def test_an_admin_adds_a_care_team_member_who_signs_in_then_disables_them(app):
    admin = signed_in_client(app, "admin", "root")
    r = _post(admin, "/admin/users/new", username="jo@nhs.net", display_name="Jo Bloggs", role="care_team",
              practice_code="C82001", password=PASSWORD)
    assert r.status_code == 303 and r.headers["location"] == "/admin/users/jo@nhs.net"
    rows = {r["username"]: r for r in admin.get("/api/admin/users").json()["rows"]}
    assert rows["jo@nhs.net"]["scope"] == "practice C82001" and rows["jo@nhs.net"]["state"] == "active"

    jo = TestClient(app)
    token = csrf_of(jo, "/login")
    assert jo.post("/login", data={"username": "jo@nhs.net", "password": PASSWORD, "csrf_token": token},
                   follow_redirects=False).status_code == 303
    assert jo.get("/api/care").status_code == 200

    assert _post(admin, "/admin/users/jo@nhs.net/disable").status_code == 303
    assert jo.get("/api/care").status_code == 401  # the session ended with the account
    page = admin.get("/api/admin/users/jo@nhs.net").json()
    assert page["account"]["state"] == "disabled"
    assert [c["change"] for c in page["changes"]] == ["disabled", "created as care_team"]
    assert {c["changed_by"] for c in page["changes"]} == {"Root (root)"}  # the signed-in admin, not a form field


def test_password_role_and_unlock_through_the_forms(app):
    admin = signed_in_client(app, "admin", "root")
    signed_in_client(app, "analyst", "ana")
    assert _post(admin, "/admin/users/ana/role", role="action_lead").status_code == 303
    assert _post(admin, "/admin/users/ana/password", password="a new long password").status_code == 303
    assert _post(admin, "/admin/users/ana/password", password="short").status_code == 400
    assert _post(admin, "/admin/users/ana/role", role="care_team").status_code == 400  # no scope given
    assert _post(admin, "/admin/users/ana/unlock").status_code == 303
    assert _post(admin, "/admin/users/ana/explode").status_code == 404
    assert _post(admin, "/admin/users/nobody/disable").status_code == 404
    changes = [c["change"] for c in admin.get("/api/admin/users/ana").json()["changes"]]
    assert changes[:3] == ["unlocked", "password reset", "role set to action_lead"]
    ana = TestClient(app)
    token = csrf_of(ana, "/login")
    assert ana.post("/login", data={"username": "ana", "password": "a new long password", "csrf_token": token},
                    follow_redirects=False).status_code == 303


def test_an_admin_cannot_lock_themselves_out_and_others_cannot_administer(app):
    admin = signed_in_client(app, "admin", "root")
    r = _post(admin, "/admin/users/root/disable")
    assert r.status_code == 400 and "own account" in r.text
    assert _post(admin, "/admin/users/root/role", role="analyst").status_code == 400
    assert admin.get("/api/admin/users/root").json()["account"]["state"] == "active"
    for role in ("analyst", "action_lead", "care_team"):
        scope = {"practice_code": "C82001"} if role == "care_team" else {}
        other = signed_in_client(app, role, **scope)
        assert other.get("/admin/users").status_code == 403
        assert _post(other, "/admin/users/root/disable").status_code == 403
        assert _post(other, "/admin/users/new", username="x1", role="admin", password=PASSWORD).status_code == 403
    assert TestClient(app).get("/api/admin/users").status_code == 401
    names = [r["username"] for r in admin.get("/api/admin/users").json()["rows"]]
    assert "x1" not in names


def test_an_admin_makes_an_action_lead_an_editor_of_a_measure(app):
    admin = signed_in_client(app, "admin", "root")
    lead = signed_in_client(app, "action_lead", "uec_lead")
    assert lead.get("/api/measures/ae-four-hour/rebases").json()["can_edit"] is False
    page = admin.get("/api/admin/users/uec_lead").json()
    assert page["editor_of"] == [] and "ae-four-hour" in [m["id"] for m in page["grantable"]]
    assert _post(admin, "/admin/users/uec_lead/grant", measure_id="ae-four-hour").status_code == 303
    assert lead.get("/api/measures/ae-four-hour/rebases").json()["can_edit"] is True  # at once, same session
    assert _post(admin, "/admin/users/uec_lead/grant", measure_id="no-such-measure").status_code == 404
    analyst = signed_in_client(app, "analyst", "ana")
    assert admin.get("/api/admin/users/ana").json()["grantable"] == []  # only action leads are made editors
    assert _post(admin, "/admin/users/ana/grant", measure_id="ae-four-hour").status_code == 400
    assert _post(admin, "/admin/users/uec_lead/revoke", measure_id="ae-four-hour").status_code == 303
    changes = [c["change"] for c in admin.get("/api/admin/users/uec_lead").json()["changes"]]
    assert changes[:2] == ["no longer an editor of the measure ae-four-hour", "made an editor of the measure ae-four-hour"]
    assert analyst.get("/api/measures").status_code == 200
