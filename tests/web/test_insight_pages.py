"""Staff insight pages: a priority's insight, the gap map and the entry form (roles, CSRF, audit)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from pophealth.access.audit import audit_rows
from pophealth.insight.seeds import load_seed_insights
from pophealth.strategy import load_strategy
from pophealth.warehouse import connect
from pophealth.web.app import create_app
from pophealth.web.pages import route_registry
from tests.auth_support import csrf_of, signed_in_client

FORM = {"id": "web-rutland-carers-2024", "source": "Rutland carers listening event", "date": "2024-03",
        "method": "Listening event", "people": "12", "group": "Carers", "place": "Rutland",
        "themes": "respite;information", "summary": "Carers asked for clearer information about respite.",
        "priorities": "rutland:rutland-healthy-ageing-and-long-term-conditions", "published": "yes"}


@pytest.fixture
def app(db_file):
    con = connect(db_file)
    load_seed_insights(con, load_strategy())
    con.close()
    app = create_app(db_file)
    app.state.cache.recheck_seconds = 3600
    return app


def test_a_priority_staff_page_shows_its_insight_unpublished_included(app):
    analyst = signed_in_client(app, "analyst")
    page = analyst.get("/api/insight/priorities/focus/access-to-services").json()
    ids = [r["id"] for r in page["records"]]
    assert ids == ["ics-2023-45000-people", "ics-2023-access-to-services"]
    public = {r["id"]: r["public"] for r in page["records"]}
    # the 45,000 are published; the access insight states no number of people, so it cannot pass
    assert public == {"ics-2023-45000-people": True, "ics-2023-access-to-services": False}
    assert page["public_href"] == "you-said-we-did/focus/access-to-services.html"
    assert [o["printed"] for o in page["observations"]][:2] == ["29,222", "51,545"]
    html = analyst.get("/insight/priorities/focus/access-to-services").text
    assert "over 45,000 people" in html and "Withheld" in html
    leicester = analyst.get("/api/insight/priorities/leicester/L2").json()
    assert "leicester-2022-11-17-hwb-development-day" in [r["id"] for r in leicester["records"]]
    assert analyst.get("/api/insight/priorities/focus/no-such-thing").status_code == 404


def test_gap_map_names_priorities_without_insight(app):
    rows = {r["ref"]: r for r in signed_in_client(app, "analyst").get("/api/insight/gaps").json()["rows"]}
    assert rows["enabler:workforce"]["gaps"] == ["No insight recorded"]
    assert "No insight from a PLUS group" in rows["focus:access-to-services"]["gaps"]
    # Leicester's plan is heard in Leicester; the gap map asks nothing of other places there
    assert not any("No insight from" in g and "Leicester" in g for g in rows["leicester:L2"]["gaps"])


def test_only_staff_read_insight_and_only_action_leads_enter_it(app):
    assert TestClient(app).get("/api/insight").status_code == 401
    roles = {(r.path, r.methods): r.role for r in route_registry(app)}
    assert roles[("/insight/new", ("POST",))] == "action_lead"
    assert roles[("/insight", ("GET",))] == "analyst"
    analyst = signed_in_client(app, "analyst")
    assert analyst.post("/insight/new", data={**FORM, "csrf_token": csrf_of(analyst, "/insight")}).status_code == 403


def test_entering_a_record_checks_it_then_saves_and_audits(app):
    lead = signed_in_client(app, "action_lead", username="sam_lead")
    token = csrf_of(lead, "/insight/new")
    assert lead.post("/insight/new", data={**FORM, "csrf_token": "forged"}).status_code == 403
    bad = lead.post("/insight/new", data={**FORM, "priorities": "focus:nowhere", "people": "lots",
                                          "csrf_token": token})
    assert bad.status_code == 400 and "There is a problem" in bad.text
    assert 'href="#priorities"' in bad.text and "focus:nowhere" in bad.text and 'href="#people"' in bad.text
    ok = lead.post("/insight/new", data={**FORM, "csrf_token": token}, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == "/insight?saved=web-rutland-carers-2024"
    page = lead.get("/api/insight/priorities/rutland/rutland-healthy-ageing-and-long-term-conditions").json()
    record = page["records"][0]
    assert (record["people"], record["published"], record["public"]) == (12, True, True)
    con = app.state.con.cursor()
    try:
        logged = [(r["username"], r["scope"]) for r in audit_rows(con) if r["route"] == "/insight/new"]
        changes = con.execute("SELECT changed_by, origin FROM insight_change WHERE insight_id = ?",
                              [FORM["id"]]).fetchall()
    finally:
        con.close()
    assert logged == [("sam_lead", "insight:web-rutland-carers-2024")]
    assert changes == [("Sam Lead", "web")]


def test_the_priority_pages_show_insight_to_staff_and_never_to_the_public(app):
    public = TestClient(app).get("/api/focuses/access-to-services").json()
    assert public["insight"] is None
    assert "What people have told us" not in TestClient(app).get("/focuses/access-to-services").text
    staff = signed_in_client(app, "analyst")
    page = staff.get("/api/focuses/access-to-services").json()
    assert [r["id"] for r in page["insight"]["records"]] == ["ics-2023-45000-people", "ics-2023-access-to-services"]
    assert page["insight"]["href"] == "/insight/priorities/focus/access-to-services"
    html = staff.get("/leicester/priorities/L2").text
    assert "What people have told us" in html and "/insight/priorities/leicester/L2" in html


def test_signed_in_staff_find_insight_from_every_page_and_the_public_do_not(app):
    assert 'href="/insight"' in signed_in_client(app, "analyst").get("/pledges").text
    assert 'href="/insight"' not in TestClient(app).get("/pledges").text
