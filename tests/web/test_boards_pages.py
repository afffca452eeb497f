"""Boards, organisations, people, levels and the delivery-plan fields: read by analysts, changed by admins
(or, for the fields, by the action's lead), every change logged with who made it."""

from __future__ import annotations

import pytest

from pophealth.boards.store import changes, load_shipped
from pophealth.delivery.audit import changes as delivery_changes
from pophealth.warehouse import connect
from pophealth.web.app import create_app
from tests.auth_support import csrf_of, signed_in_client
from tests.delivery_support import build_demo_tracker


@pytest.fixture
def app(db_file):
    con = connect(db_file)
    build_demo_tracker(con)
    load_shipped(con)
    con.close()
    app = create_app(db_file)
    app.state.cache.recheck_seconds = 3600
    return app


@pytest.fixture
def admin(app):
    return signed_in_client(app, "admin", username="ada_admin")


@pytest.fixture
def analyst(app):
    return signed_in_client(app, "analyst", username="ann_analyst")


def _log(app, entity=None, key=None):
    con = app.state.con.cursor()
    try:
        return changes(con, entity, key)
    finally:
        con.close()


def test_boards_list_shows_chairs_from_the_register(analyst):
    rows = {r["id"]: r for r in analyst.get("/api/boards").json()["rows"]}
    assert rows["leicestershire-hwb"]["chairs"] == ["Councillor Louise Richardson"]
    assert rows["leicester-plan-core-group"]["members"] == 22
    assert all(r["meetings"] == 0 for r in rows.values())  # no seed gives a meeting date


def test_admin_adds_a_meeting_and_a_member_and_ends_the_seat(app, admin, analyst):
    token = csrf_of(admin, "/boards/rutland-hwb")
    r = admin.post("/admin/boards/rutland-hwb/meetings", data={"meeting_date": "2025-02-04", "csrf_token": token},
                   follow_redirects=False)
    assert r.status_code == 303
    page = analyst.get("/api/boards/rutland-hwb").json()
    assert [m["meeting_id"] for m in page["meetings"]] == ["rutland-hwb-2025-02-04"]
    assert page["meetings"][0]["demo"] is False
    assert _log(app, "meeting")[-1]["who"] == "Ada Admin (ada_admin)"
    r = admin.post("/admin/boards/rutland-hwb/members", data={"person_id": "jo-ryder", "role": "Member",
                                                               "starts": "2024-04-01", "csrf_token": token},
                   follow_redirects=False)
    assert r.status_code == 303
    seat = next(s for s in analyst.get("/api/boards/rutland-hwb").json()["seats"] if s["person_id"] == "jo-ryder")
    assert seat["current"] and seat["starts"] == "2024-04-01"
    admin.post(f"/admin/boards/rutland-hwb/members/{seat['membership_id']}/end",
               data={"ends": "2024-12-31", "csrf_token": token}, follow_redirects=False)
    seat = next(s for s in analyst.get("/api/boards/rutland-hwb").json()["seats"] if s["person_id"] == "jo-ryder")
    assert seat["ends"] == "2024-12-31" and not seat["current"]  # ended, kept
    bad = admin.post("/admin/boards/rutland-hwb/meetings", data={"meeting_date": "04/02/2025", "csrf_token": token})
    assert bad.status_code == 400 and "2025-03-27" in bad.text


def test_only_admins_change_the_register(app, analyst):
    token = csrf_of(analyst, "/boards/rutland-hwb")
    for path, data in [("/admin/boards/rutland-hwb/meetings", {"meeting_date": "2025-02-04"}),
                       ("/admin/organisations", {"org_id": "x-org", "name": "X"}),
                       ("/admin/levels", {"priority_id": "jhws:school-readiness", "level": "do"})]:
        r = analyst.post(path, data={**data, "csrf_token": token}, follow_redirects=False)
        assert r.status_code == 403, path
    assert [c for c in _log(app) if c["who"] != "boards load"] == []


def test_a_post_without_the_csrf_token_is_refused(admin):
    r = admin.post("/admin/boards/rutland-hwb/meetings", data={"meeting_date": "2025-02-04"}, follow_redirects=False)
    assert r.status_code == 403


def test_admin_adds_an_organisation_and_a_person_and_links_an_account(app, admin, analyst):
    token = csrf_of(admin, "/organisations")
    admin.post("/admin/organisations", data={"org_id": "loros", "name": "LOROS Hospice", "kind": "vcse",
                                             "csrf_token": token}, follow_redirects=False)
    admin.post("/admin/people", data={"person_id": "pat-lead", "person_name": "Pat Lead", "organisation": "loros",
                                      "csrf_token": token}, follow_redirects=False)
    signed_in_client(app, "action_lead", username="pat_lead")
    admin.post("/admin/people/pat-lead", data={"name": "Pat Lead", "organisation": "loros", "username": "pat_lead",
                                               "csrf_token": token}, follow_redirects=False)
    people = {p["id"]: p for p in analyst.get("/api/organisations").json()["people"]}
    assert people["pat-lead"]["organisation"] == "LOROS Hospice" and people["pat-lead"]["username"] == "pat_lead"
    history = analyst.get("/api/people/pat-lead").json()["changes"]
    assert "username: None → pat_lead" in history[0]["what"]
    bad = admin.post("/admin/organisations", data={"org_id": "Not A Slug", "name": "X", "csrf_token": token})
    assert bad.status_code == 400
    admin.post("/admin/organisations/rename", data={"org_id": "loros", "new_name": "LOROS", "csrf_token": token},
               follow_redirects=False)
    orgs = {o["org_id"]: o["name"] for o in analyst.get("/api/organisations").json()["organisations"]}
    assert orgs["loros"] == "LOROS"
    assert _log(app, "organisation", "loros")[-1]["before"]["name"] == "LOROS Hospice"
    empty = admin.post("/admin/organisations/rename", data={"org_id": "loros", "new_name": " ", "csrf_token": token})
    assert empty.status_code == 400


def test_admin_sets_a_level_with_reason_and_the_review_tasks_follow(app, admin, analyst):
    token = csrf_of(admin, "/levels")
    r = admin.post("/admin/levels", data={"priority_id": "jhws:school-readiness", "level": "sponsor",
                                          "board_id": "leicestershire-hwb", "officer_person_id": "cllr-louise-richardson",
                                          "decided_on": "2024-03-21", "reason": "Board minute 12/24",
                                          "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    page = analyst.get("/api/levels").json()
    row = next(x for x in page["rows"] if x["priority_id"] == "jhws:school-readiness")
    assert (row["level"], row["officer"], row["reason"]) == ("sponsor", "Councillor Louise Richardson",
                                                             "Board minute 12/24")
    tasks = [(t["task"], t["due"]) for t in page["tasks"] if t["priority_id"] == "jhws:school-readiness"]
    assert tasks == [("Annual sponsor review and highlight report to the board", "2025-03-21"),
                     ("Three-year review gateway", "2027-03-21")]
    missing = admin.post("/admin/levels", data={"priority_id": "jhws:school-readiness", "level": "do",
                                                "board_id": "leicestershire-hwb", "decided_on": "2025-01-01",
                                                "reason": "  ", "csrf_token": token})
    assert missing.status_code == 400  # a reason is required
    assert len(analyst.get("/api/levels").json()["history"]) == 1


def test_lead_edits_seed_003_fields_with_history(app):
    lead = signed_in_client(app, "action_lead", username="sam_lead")
    ref = "L2.4"
    form = lead.get(f"/api/delivery/actions/{ref}/plan").json()
    assert form["may_edit"]
    data = {**{k: v for k, v in form["form"].items()}, "leads": "Sam Lead", "engagement": "Ward forums",
            "equity": "Y", "governance": "Leicester HWB", "csrf_token": csrf_of(lead, f"/delivery/actions/{ref}/plan")}
    r = lead.post(f"/delivery/actions/{ref}/plan", data=data, follow_redirects=False)
    assert r.status_code == 303
    after = lead.get(f"/api/delivery/actions/{ref}/plan").json()
    assert after["action"]["leads"] == "Sam Lead" and after["action"]["engagement"] == "Ward forums"
    fields = {h["field"]: (h["before"], h["after"], h["who"]) for h in after["history"]}
    assert fields["Lead Contacts"] == (None, "Sam Lead", "Sam Lead (sam_lead)")
    # an edit based on the old version is refused, not applied over the newer one
    stale = lead.post(f"/delivery/actions/{ref}/plan", data={**data, "engagement": "Other"})
    assert stale.status_code == 400 and "version" in stale.text
    bad = lead.post(f"/delivery/actions/{ref}/plan",
                    data={**data, "version": str(after["action"]["version"]), "equity": "maybe"})
    assert bad.status_code == 400 and "choose Y or N" in bad.text
    con = app.state.con.cursor()
    try:
        assert delivery_changes(con, "action", ref)[-1]["who"] == "Sam Lead (sam_lead)"
    finally:
        con.close()


def test_another_lead_cannot_edit_the_fields(app):
    lead = signed_in_client(app, "action_lead", username="sam_lead")
    ref = "L2.4"
    data = {**lead.get(f"/api/delivery/actions/{ref}/plan").json()["form"], "leads": "Sam Lead",
            "csrf_token": csrf_of(lead, f"/delivery/actions/{ref}/plan")}
    lead.post(f"/delivery/actions/{ref}/plan", data=data, follow_redirects=False)
    other = signed_in_client(app, "action_lead", username="kim_other")
    assert other.get(f"/api/delivery/actions/{ref}/plan").json()["may_edit"] is False
    r = other.post(f"/delivery/actions/{ref}/plan", data={**data, "csrf_token": csrf_of(other, "/delivery")})
    assert r.status_code == 403
