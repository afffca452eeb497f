"""Risk and issue pages: the derived risk RAG on the tracker, the forms, roles, CSRF and the change log."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from pophealth.delivery.audit import changes
from pophealth.delivery.xlsx_export import export_workbook
from pophealth.warehouse import connect
from pophealth.web.app import create_app
from pophealth.web.pages import route_registry
from tests.auth_support import csrf_of, signed_in_client
from tests.delivery_support import build_demo_tracker

FORM = {"kind": "risk", "title": "Funding not confirmed beyond March", "owner": "Finance lead", "likelihood": "4",
        "impact": "5", "mitigation": "Escalate to the ICB", "review_date": "2024-10-01"}


@pytest.fixture
def app(db_file):
    con = connect(db_file)
    build_demo_tracker(con)
    con.close()
    app = create_app(db_file)
    app.state.cache.recheck_seconds = 3600
    return app


@pytest.fixture
def admin(app):
    return signed_in_client(app, "admin", username="ada_admin")


def _row(client, ref):
    rows = client.get("/api/delivery", params={"lead": ""}).json()
    pages = rows["pages"]
    for n in range(1, pages + 1):
        for r in client.get("/api/delivery", params={"page": n}).json()["rows"]:
            if r["action"]["ref"] == ref:
                return r
    raise AssertionError(ref)


def _workbook_risk(app, tmp_path, ref):
    con = connect(app.state.db)
    try:
        export_workbook(con, tmp_path / "t.xlsx")
    finally:
        con.close()
    ws = load_workbook(tmp_path / "t.xlsx")["Tracker"]
    header = [c.value for c in ws[1]]
    found = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == ref)
    return found[header.index("Risk/Issue RAG")]


def test_a_risk_scored_20_turns_the_tracker_page_and_workbook_red_and_closing_it_reverts(app, admin, tmp_path):
    assert _row(admin, "L2.1")["risk_rag"] == "Amber"
    token = csrf_of(admin, "/delivery/actions/L2.1/risks/new")
    added = admin.post("/delivery/actions/L2.1/risks", data={**FORM, "csrf_token": token}, follow_redirects=False)
    assert added.status_code == 303 and added.headers["location"].startswith("/delivery/actions/L2.1")
    row = _row(admin, "L2.1")
    assert (row["risk_rag"], row["risk_rag_source"], row["risk_score"]) == ("Red", "risk log", 20)
    page = admin.get("/delivery", params={"theme": row["theme"]}).text
    cell = page.split('href="/delivery/actions/L2.1"', 1)[1].split("</tr>", 1)[0]
    assert "nhsuk-tag--red" in cell.split("from the risk log", 1)[0].rsplit("<td", 1)[1] and "score 20" in cell
    assert _workbook_risk(app, tmp_path, "L2.1") == "Red"
    [risk] = admin.get("/api/delivery/risks").json()["risks"]
    assert (risk["score"], risk["grade"], risk["rag"]) == (20, "Extreme", "Red")
    rid = risk["risk"]["risk_id"]
    closed = admin.post(f"/delivery/risks/{rid}", data={"version": "1", "close": "yes", "csrf_token": token},
                        follow_redirects=False)
    assert closed.status_code == 303
    row = _row(admin, "L2.1")
    assert (row["risk_rag"], row["risk_rag_source"]) == ("Amber", "update")
    assert _workbook_risk(app, tmp_path, "L2.1") == "Amber"
    con = connect(app.state.db)
    log = changes(con, "risk", str(rid))
    con.close()
    assert [(c["who"], c["after"]["status"]) for c in log] == [("Ada Admin", "open"), ("Ada Admin", "closed")]


def test_form_errors_are_named_and_a_stale_edit_is_refused(admin):
    token = csrf_of(admin, "/delivery/actions/L2.1/risks/new")
    bad = admin.post("/delivery/actions/L2.1/risks", data={**FORM, "likelihood": "9", "owner": "",
                                                           "review_date": "soon", "csrf_token": token})
    assert bad.status_code == 400 and "There is a problem" in bad.text
    for field in ("likelihood", "owner", "review_date"):
        assert f'href="#{field}"' in bad.text
    admin.post("/delivery/actions/L2.1/risks", data={**FORM, "csrf_token": token})
    rid = admin.get("/api/delivery/risks").json()["risks"][0]["risk"]["risk_id"]
    ok = admin.post(f"/delivery/risks/{rid}", data={**FORM, "impact": "2", "version": "1", "csrf_token": token},
                    follow_redirects=False)
    assert ok.status_code == 303
    assert admin.get(f"/api/delivery/risks/{rid}").json()["risk"]["score"] == 8
    stale = admin.post(f"/delivery/risks/{rid}", data={**FORM, "version": "1", "csrf_token": token})
    assert stale.status_code == 400 and "someone else changed it first" in stale.text


def test_only_the_actions_lead_or_an_admin_may_change_risks_and_the_form_needs_its_token(app, admin):
    analyst = signed_in_client(app, "analyst")
    assert "Add a risk or issue" not in analyst.get("/delivery/actions/L2.1").text
    assert analyst.post("/delivery/actions/L2.1/risks",
                        data={**FORM, "csrf_token": csrf_of(analyst, "/delivery")}).status_code == 403
    lead = signed_in_client(app, "action_lead", username="sam_lead")
    assert admin.post("/delivery/actions/L2.1/risks", data={**FORM, "csrf_token": "forged"}).status_code == 403
    roles = {(r.path, r.methods): r.role for r in route_registry(app)}
    assert roles[("/delivery/actions/{ref}/risks", ("POST",))] == "action_lead"
    assert roles[("/delivery/risks/{risk_id}", ("POST",))] == "action_lead"
    assert roles[("/delivery/risks", ("GET",))] == "analyst"
    assert lead.get("/delivery/risks").status_code == 200


def test_an_action_lead_may_not_change_risks_of_an_action_someone_else_leads(app, db_file):
    from pophealth.delivery.actions import edit_action, get_action
    from pophealth.delivery.risks import list_risks

    con = connect(db_file)
    edit_action(con, "L2.1", get_action(con, "L2.1").version, {"leads": "Sam Lead; Public Health"}, "test")
    con.close()
    other = signed_in_client(app, "action_lead", username="not_the_lead")
    token = csrf_of(other, "/delivery/actions/L2.1")
    assert "Add a risk or issue" not in other.get("/delivery/actions/L2.1").text
    assert other.post("/delivery/actions/L2.1/risks", data={**FORM, "csrf_token": token}).status_code == 403
    sam = signed_in_client(app, "action_lead", username="sam_lead")
    assert "Add a risk or issue" in sam.get("/delivery/actions/L2.1").text
    mine = csrf_of(sam, "/delivery/actions/L2.1")
    assert sam.post("/delivery/actions/L2.1/risks", data={**FORM, "csrf_token": mine},
                    follow_redirects=False).status_code == 303
    con = connect(db_file)
    assert [r.recorded_by for r in list_risks(con)] == ["Sam Lead"]
    con.close()
