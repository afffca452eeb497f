"""The IG lead's audit search: by user, person (id or NHS number), route and date; export; last activity."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from pophealth.care.identity_store import identities, store_path
from pophealth.web.app import create_app
from tests.auth_support import signed_in_client


@pytest.fixture(scope="module")
def app(care_warehouse):
    return create_app(care_warehouse, strategy_dir="tests/fixtures/strategy_min")


@pytest.fixture(scope="module")
def reads(app, care_warehouse):
    """Two care-team users of one practice read two different people and a worklist."""
    con = app.state.con.cursor()
    try:
        practice = con.execute("SELECT practice_code FROM person_geography GROUP BY 1 ORDER BY count(*) DESC, 1 "
                               "LIMIT 1").fetchone()[0]
        first, second = [r[0] for r in con.execute("SELECT person_id FROM person_geography WHERE practice_code = ? "
                                                    "ORDER BY person_id LIMIT 2", [practice]).fetchall()]
    finally:
        con.close()
    one = signed_in_client(app, "care_team", "ig_one", practice_code=practice)
    two = signed_in_client(app, "care_team", "ig_two", practice_code=practice)
    one.get(f"/care/people/{first}")
    one.get("/care/worklists/frailty")
    two.get(f"/care/people/{second}")
    nhs = identities(store_path(care_warehouse), [first])[first].nhs_number
    return {"first": first, "second": second, "nhs_first": nhs}


def rows(client, query: str) -> list[dict]:
    return client.get(f"/api/admin/audit/search?{query}").json()["rows"]


def test_search_by_user_person_route_and_date(app, reads):
    ig = signed_in_client(app, "admin", "ig_lead")
    assert {r["username"] for r in rows(ig, "user=ig_one")} == {"ig_one"}
    by_person = rows(ig, f"person={reads['first']}")
    assert by_person and {(r["username"], r["person_id"]) for r in by_person} == {("ig_one", str(reads["first"]))}
    assert {r["route"] for r in rows(ig, "user=ig_one&route=/care/worklists")} == {"/care/worklists/frailty"}
    today = dt.date.today()
    assert rows(ig, f"user=ig_two&from={today}&to={today}")
    assert rows(ig, f"user=ig_two&to={today - dt.timedelta(days=1)}") == []


def test_search_by_nhs_number_finds_the_person_without_showing_the_number(app, reads):
    ig = signed_in_client(app, "admin", "ig_lead_nhs")
    spaced = f"{reads['nhs_first'][:3]} {reads['nhs_first'][3:6]} {reads['nhs_first'][6:]}"
    page = ig.get(f"/api/admin/audit/search?person={spaced}").json()
    assert page["person_id"] == reads["first"] and {r["person_id"] for r in page["rows"]} == {str(reads["first"])}
    # this module's readers only: the warehouse is shared, and other modules' care pages show this person too
    assert [d["username"] for d in page["disclosures"] if d["username"].startswith("ig_")] == ["ig_one"]
    html = ig.get("/admin/audit/search?user=ig_one").text
    assert reads["nhs_first"] not in html and spaced not in html
    assert ig.get("/api/admin/audit/search?person=9990000027").status_code == 400  # bad check digit: not a person


def test_export_holds_the_matching_rows_and_searches_are_audited(app, reads):
    ig = signed_in_client(app, "admin", "ig_export")
    response = ig.get("/admin/audit/search.csv?user=ig_one")
    table = list(csv.DictReader(io.StringIO(response.text)))
    assert response.status_code == 200 and table and {r["username"] for r in table} == {"ig_one"}
    assert len(table) == len(rows(ig, "user=ig_one"))
    assert rows(ig, "user=ig_export&route=/admin/audit/search.csv")


def test_accounts_show_last_patient_level_read(app, reads):
    ig = signed_in_client(app, "admin", "ig_accounts")
    accounts = {a["username"]: a for a in ig.get("/api/admin/audit/search").json()["accounts"]}
    assert accounts["ig_one"]["last_read"] and accounts["ig_one"]["session_started"]


@pytest.mark.parametrize("role", ["analyst", "care_team"])
def test_only_admins_search(app, role, reads):
    con = app.state.con.cursor()
    try:  # care accounts need a practice that exists
        practice = con.execute("SELECT min(practice_code) FROM person_geography").fetchone()[0]
    finally:
        con.close()
    client = signed_in_client(app, role, f"ig_{role}", **({"practice_code": practice} if role == "care_team" else {}))
    assert client.get("/admin/audit/search", follow_redirects=False).status_code == 403
    assert client.get("/admin/audit/search.csv", follow_redirects=False).status_code == 403
