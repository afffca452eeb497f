"""Rebases through the web: editors propose and decide under their own names; everyone staff sees the record."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from pophealth.web.app import create_app
from tests.auth_support import csrf_of, signed_in_client
from tests.measures_support import demo_measures_db, grant_editor

PAGE = "/measures/cancer-62-day/rebases"


@pytest.fixture
def app(tmp_path):
    app = create_app(demo_measures_db(tmp_path))
    app.state.cache.recheck_seconds = 3600  # a decision must show at once because it was posted
    return app


@pytest.fixture
def editor(app):
    grant_editor(app, "cancer_lead", "cancer-62-day")
    return signed_in_client(app, "action_lead", "cancer_lead")


def _post(client: TestClient, path: str, **form: str):
    return client.post(path, data={**form, "csrf_token": csrf_of(client, PAGE)}, follow_redirects=False)


def test_staff_see_the_record_and_the_public_do_not(app):
    assert TestClient(app).get("/api" + PAGE).status_code == 401
    assert TestClient(app).get(PAGE, follow_redirects=False).status_code == 303
    analyst = signed_in_client(app, "analyst")
    page = analyst.get("/api" + PAGE).json()
    assert page["rows"] == [] and page["can_edit"] is False
    assert [p["text"] for p in page["points"]][-1] == "2023-10"  # any point but the first can start a segment
    assert "/rebases/new" not in analyst.get(PAGE).text  # no form
    assert PAGE in analyst.get("/measures/cancer-62-day").text
    assert PAGE not in TestClient(app).get("/measures/cancer-62-day").text


def test_an_editor_proposes_approves_and_withdraws_and_the_chart_follows(app, editor):
    before = editor.get("/api/measures/cancer-62-day").json()["measure"]
    assert before["rebase_text"] == []
    assert _post(editor, PAGE + "/new", point_date="2023-07-01", note="New <b>pathway</b>").status_code == 303
    [row] = editor.get("/api" + PAGE).json()["rows"]
    assert (row["state"], row["point_text"]) == ("pending", "2023-07")
    assert row["proposed"].startswith("Proposed by Cancer Lead (cancer_lead)")
    assert "New &lt;b&gt;pathway&lt;/b&gt;" in editor.get(PAGE).text  # user text is escaped
    assert editor.get("/api/measures/cancer-62-day").json()["measure"] == before  # a proposal changes nothing

    pid = row["proposal_id"]
    assert _post(editor, f"{PAGE}/{pid}", decision="approve", reason="Rapid diagnostic centre opened").status_code == 303
    [row] = editor.get("/api" + PAGE).json()["rows"]
    assert row["state"] == "approved" and row["decision"].startswith("Approve")
    assert "by Cancer Lead (cancer_lead)" in row["decision"]
    after = editor.get("/api/measures/cancer-62-day").json()["measure"]
    assert after["rebase_text"] == [
        "Limits recalculated from 2023-07: Rapid diagnostic centre opened (approved by Cancer Lead (cancer_lead))"]
    assert after["points"] != before["points"]  # the means and limits from 2023-07 are the new segment's

    assert _post(editor, f"{PAGE}/{pid}", decision="withdraw", reason="Opened in 2024, not 2023").status_code == 303
    assert editor.get("/api" + PAGE).json()["rows"][0]["state"] == "withdrawn"
    assert editor.get("/api/measures/cancer-62-day").json()["measure"] == before


def test_decisions_need_a_reason_an_editor_and_the_right_measure(app, editor):
    assert _post(editor, PAGE + "/new", point_date="2023-07-01").status_code == 303
    pid = editor.get("/api" + PAGE).json()["rows"][0]["proposal_id"]
    assert _post(editor, f"{PAGE}/{pid}", decision="approve", reason="  ").status_code == 400
    assert _post(editor, f"{PAGE}/{pid}", decision="delete", reason="x").status_code == 400
    assert _post(editor, PAGE + "/new", point_date="not a date").status_code == 400
    assert _post(editor, f"/measures/cancer-two-week-wait/rebases/{pid}", decision="approve",
                 reason="x").status_code == 403  # not an editor of that measure
    admin = signed_in_client(app, "admin")
    assert _post(admin, f"/measures/cancer-two-week-wait/rebases/{pid}", decision="approve",
                 reason="x").status_code == 404  # the proposal belongs to another measure
    other_lead = signed_in_client(app, "action_lead", "other_lead")
    assert _post(other_lead, f"{PAGE}/{pid}", decision="approve", reason="x").status_code == 403
    analyst = signed_in_client(app, "analyst")
    assert _post(analyst, PAGE + "/new", point_date="2023-07-01").status_code == 403
    assert editor.get("/api" + PAGE).json()["rows"][0]["state"] == "pending"  # nothing was recorded
