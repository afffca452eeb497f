"""Resource pages: add, change and remove money behind an action; roles, CSRF, the version check and the change log."""

from __future__ import annotations

from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from pophealth.delivery.actions import edit_action, get_action
from pophealth.delivery.audit import changes
from pophealth.delivery.resources import list_resources, totals_by_action
from pophealth.warehouse import connect
from pophealth.web.app import create_app
from pophealth.web.pages import route_registry
from tests.auth_support import csrf_of, signed_in_client
from tests.delivery_support import build_demo_tracker

FORM = {"amount_gbp": "£125,000.50", "funding_source": "ICB prevention fund", "financial_year": "2024/25",
        "prevention": "yes", "note": "Recurrent"}


@pytest.fixture
def app(db_file):
    con = connect(db_file)
    build_demo_tracker(con)
    edit_action(con, "L2.1", get_action(con, "L2.1").version, {"leads": "Sam Lead; Public Health"}, "test")
    edit_action(con, "L2.3", get_action(con, "L2.3").version, {"leads": "Someone Else"}, "test")
    con.close()
    app = create_app(db_file)
    app.state.cache.recheck_seconds = 3600
    return app


@pytest.fixture
def admin(app):
    return signed_in_client(app, "admin", username="ada_admin")


@pytest.fixture
def sam(app):
    return signed_in_client(app, "action_lead", username="sam_lead")


def _db(app):
    return connect(app.state.db)


def _add(client, ref="L2.1", **form):
    token = csrf_of(client, f"/delivery/actions/{ref}/resources/new")
    return client.post(f"/delivery/actions/{ref}/resources", data={**FORM, **form, "csrf_token": token},
                       follow_redirects=False)


def test_the_lead_adds_changes_and_removes_a_resource_and_each_change_is_logged_before_and_after(app, sam):
    added = _add(sam)
    assert added.status_code == 303 and added.headers["location"] == "/delivery/actions/L2.1?resource=added#resources"
    con = _db(app)
    [r] = list_resources(con, action_ref="L2.1")
    con.close()
    assert (r.amount_gbp, r.funding_source, r.financial_year, r.prevention, r.version, r.recorded_by) == (
        Decimal("125000.50"), "ICB prevention fund", "2024/25", True, 1, "Sam Lead")
    page = sam.get("/delivery/actions/L2.1").text
    assert f'href="/delivery/resources/{r.resource_id}"' in page and "£125,000.50 recorded" in page

    token = csrf_of(sam, f"/delivery/resources/{r.resource_id}")
    edited = sam.post(f"/delivery/resources/{r.resource_id}",
                      data={**FORM, "amount_gbp": "90000", "prevention": "no", "version": "1", "csrf_token": token},
                      follow_redirects=False)
    assert edited.status_code == 303
    twin = sam.get(f"/api/delivery/resources/{r.resource_id}").json()
    assert (twin["resource"]["amount_gbp"], twin["resource"]["prevention"], twin["resource"]["version"]) == (
        "90000.00", False, 2)

    removed = sam.post(f"/delivery/resources/{r.resource_id}", data={"remove": "yes", "version": "2",
                                                                    "csrf_token": token}, follow_redirects=False)
    assert removed.status_code == 303 and "resource=removed" in removed.headers["location"]
    con = _db(app)
    try:
        assert list_resources(con, action_ref="L2.1") == []
        assert "L2.1" not in totals_by_action(con)
        [kept] = list_resources(con, action_ref="L2.1", include_removed=True)
        log = changes(con, "resource", str(r.resource_id))
    finally:
        con.close()
    assert kept.status == "removed" and kept.amount_gbp == Decimal("90000.00")
    assert [(c["who"], c["before"] and c["before"]["amount_gbp"], c["after"]["amount_gbp"], c["after"]["status"])
            for c in log] == [("Sam Lead", None, "125000.50", "active"),
                              ("Sam Lead", "125000.50", "90000.00", "active"),
                              ("Sam Lead", "90000.00", "90000.00", "removed")]
    assert all(c["changed_at"] is not None for c in log)
    gone = sam.get(f"/delivery/resources/{r.resource_id}").text
    assert "This resource was removed" in gone and "Save changes" not in gone and "125,000.50" in gone


def test_an_edit_from_an_out_of_date_version_is_refused_and_nothing_changes(app, sam, admin):
    _add(sam)
    con = _db(app)
    [r] = list_resources(con, action_ref="L2.1")
    con.close()
    token = csrf_of(admin, f"/delivery/resources/{r.resource_id}")
    assert admin.post(f"/delivery/resources/{r.resource_id}", data={**FORM, "amount_gbp": "1", "version": "1",
                                                                    "csrf_token": token},
                      follow_redirects=False).status_code == 303
    mine = csrf_of(sam, f"/delivery/resources/{r.resource_id}")
    stale = sam.post(f"/delivery/resources/{r.resource_id}", data={**FORM, "amount_gbp": "2", "version": "1",
                                                                   "csrf_token": mine})
    assert stale.status_code == 400 and "someone else changed it first" in stale.text
    stale_remove = sam.post(f"/delivery/resources/{r.resource_id}", data={"remove": "yes", "version": "1",
                                                                          "csrf_token": mine})
    assert stale_remove.status_code == 400 and "someone else changed it first" in stale_remove.text
    con = _db(app)
    [now] = list_resources(con, action_ref="L2.1")
    assert (now.amount_gbp, now.version, now.recorded_by) == (Decimal("1.00"), 2, "Ada Admin")
    assert len(changes(con, "resource", str(r.resource_id))) == 2
    con.close()


@pytest.mark.parametrize(("field", "value", "words"), [
    ("amount_gbp", "-5", "0 or more"), ("amount_gbp", "lots", "Expected an amount in pounds"),
    ("amount_gbp", "10.555", "at most two decimal places"), ("financial_year", "2024", "like 2024/25"),
    ("financial_year", "2024/26", "like 2024/25"), ("funding_source", "", "where the money comes from"),
    ("prevention", "maybe", "prevention spend"), ("amount_gbp", "", "amount in pounds")])
def test_bad_input_is_shown_on_the_form_against_its_field_in_plain_words(app, sam, field, value, words):
    bad = _add(sam, **{field: value})
    assert bad.status_code == 400 and "There is a problem" in bad.text
    assert f'href="#{field}"' in bad.text and f'id="{field}-error"' in bad.text
    assert words in bad.text
    con = _db(app)
    assert list_resources(con, include_removed=True) == [] and changes(con, "resource") == []
    con.close()


def test_roles_lead_of_another_action_analyst_anonymous_and_the_csrf_token(app, sam, admin):
    other = signed_in_client(app, "action_lead", username="not_the_lead")
    assert "Add a resource" not in other.get("/delivery/actions/L2.1").text
    assert _add(other).status_code == 403
    assert "Add a resource" in sam.get("/delivery/actions/L2.1").text
    assert _add(sam, ref="L2.3").status_code == 403  # Sam leads L2.1, not L2.3
    analyst = signed_in_client(app, "analyst")
    assert "Add a resource" not in analyst.get("/delivery/actions/L2.1").text
    assert analyst.post("/delivery/actions/L2.1/resources",
                        data={**FORM, "csrf_token": csrf_of(analyst, "/delivery")}).status_code == 403
    assert "Only the action's lead or an administrator" in analyst.get("/delivery/actions/L2.1/resources/new").text
    assert sam.post("/delivery/actions/L2.1/resources", data={**FORM}).status_code == 403  # no token
    assert sam.post("/delivery/actions/L2.1/resources", data={**FORM, "csrf_token": "forged"}).status_code == 403
    anonymous = TestClient(app)
    page = anonymous.get("/delivery/actions/L2.1/resources/new", follow_redirects=False)
    assert page.status_code in (302, 303) and "/login" in page.headers["location"]
    assert anonymous.post("/delivery/actions/L2.1/resources", data=FORM, follow_redirects=False).status_code in (
        302, 303, 401, 403)

    assert _add(admin, ref="L2.3").status_code == 303  # an admin may add to any action
    con = _db(app)
    [r] = list_resources(con)
    con.close()
    token = csrf_of(sam, "/delivery/actions/L2.1")
    for who in (sam, other, analyst):  # none of them leads L2.3
        assert who.post(f"/delivery/resources/{r.resource_id}",
                        data={**FORM, "version": "1", "csrf_token": csrf_of(who, "/delivery")}).status_code == 403
    assert sam.post(f"/delivery/resources/{r.resource_id}",
                    data={"remove": "yes", "version": "1", "csrf_token": token}).status_code == 403
    con = _db(app)
    assert [c["who"] for c in changes(con, "resource")] == ["Ada Admin"]
    con.close()
    roles = {(x.path, x.methods): x.role for x in route_registry(app)}
    assert roles[("/delivery/actions/{ref}/resources", ("POST",))] == "action_lead"
    assert roles[("/delivery/resources/{resource_id}", ("POST",))] == "action_lead"
    assert roles[("/delivery/priorities/{pid}/resources", ("POST",))] == "admin"


def test_only_an_admin_adds_a_resource_to_a_priority(app, sam, admin):
    con = _db(app)
    pid = get_action(con, "L2.1").priority_id
    con.close()
    token = csrf_of(sam, "/delivery/actions/L2.1")
    assert sam.post(f"/delivery/priorities/{pid}/resources", data={**FORM, "csrf_token": token}).status_code == 403
    assert "Only an administrator" in sam.get(f"/delivery/priorities/{pid}/resources/new").text
    admin_token = csrf_of(admin, f"/delivery/priorities/{pid}/resources/new")
    done = admin.post(f"/delivery/priorities/{pid}/resources", data={**FORM, "csrf_token": admin_token},
                      follow_redirects=False)
    assert done.status_code == 303
    listed = admin.get(done.headers["location"]).text
    con = _db(app)
    [r] = list_resources(con, priority_id=pid)
    con.close()
    assert (r.action_ref, r.priority_id) == (None, pid)
    assert f'href="/delivery/resources/{r.resource_id}"' in listed
    # a priority's resource is the admins' to change: even the lead of one of its actions may not
    assert sam.post(f"/delivery/resources/{r.resource_id}",
                    data={**FORM, "version": "1", "csrf_token": token}).status_code == 403
    assert admin.get("/delivery/priorities/NOPE/resources/new").status_code == 404
