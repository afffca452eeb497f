"""Care-team pages: scope is authorisation, every read is audited, identifiers only for care teams."""

from __future__ import annotations

import csv
import datetime as dt
import io

import ibis
import pytest

from pophealth.access.audit import verify_chain
from pophealth.care.scope import CareScope
from pophealth.care.worklists import WORKLISTS, scope_profile, select, to_rows
from pophealth.omop.queries import Cdm, age_on, as_dict, emergency_admissions
from pophealth.web.app import create_app
from tests.auth_support import signed_in_client


@pytest.fixture(scope="module")
def app(care_warehouse):
    return create_app(care_warehouse, strategy_dir="tests/fixtures/strategy_min")


@pytest.fixture(scope="module")
def practices(app):
    """The two largest practices (A, B) and the PCN of A, from the synthetic population."""
    con = app.state.con.cursor()
    rows = con.execute("SELECT practice_code, pcn_code FROM person_geography GROUP BY ALL ORDER BY count(*) DESC, 1 LIMIT 2").fetchall()
    con.close()
    (a, pcn_a), (b, _) = rows
    return {"A": a, "B": b, "pcn_A": pcn_a}


def person_of(app, practice: str) -> int:
    """A person of ``practice`` who is on the care-gaps worklist (registered and alive)."""
    con = app.state.con.cursor()
    try:
        people = select(scope_profile(con, CareScope("practice", practice)), WORKLISTS["care-gaps"])
    finally:
        con.close()
    return int(people["person_id"].iloc[0])


def audit_for(app, username: str) -> list[tuple]:
    con = app.state.con.cursor()
    try:
        return con.execute("SELECT route, person_id, scope, detail FROM audit_log WHERE username = ? ORDER BY seq",
                           [username]).fetchall()
    finally:
        con.close()


def test_person_outside_the_practice_is_not_found_like_a_missing_person(app, practices):
    client = signed_in_client(app, "care_team", "care_a1", practice_code=practices["A"])
    mine, theirs = person_of(app, practices["A"]), person_of(app, practices["B"])
    assert client.get(f"/care/people/{mine}").status_code == 200
    elsewhere = client.get(f"/api/care/people/{theirs}")
    missing = client.get("/api/care/people/999999999")
    assert elsewhere.status_code == missing.status_code == 404
    assert elsewhere.json() == missing.json()
    assert client.get(f"/care/people/{theirs}").status_code == 404


def test_worklist_of_another_practice_is_not_reachable(app, practices):
    client = signed_in_client(app, "care_team", "care_a2", practice_code=practices["A"])
    assert client.get(f"/care/worklists/care-gaps?practice={practices['B']}").status_code == 404
    assert client.get(f"/care/worklists/care-gaps/csv?practice={practices['B']}").status_code == 404
    rows = client.get("/api/care/worklists/care-gaps").json()["rows"]
    assert rows and {r["practice_code"] for r in rows} == {practices["A"]}


def test_pcn_user_sees_every_practice_of_the_pcn_and_only_those(app, practices):
    client = signed_in_client(app, "care_team", "care_pcn", pcn_code=practices["pcn_A"])
    con = app.state.con.cursor()
    in_pcn = {r[0] for r in con.execute("SELECT practice_code FROM person_geography WHERE pcn_code = ?",
                                        [practices["pcn_A"]]).fetchall()}
    con.close()
    rows = client.get("/api/care/worklists/care-gaps").json()["rows"]
    assert rows and {r["practice_code"] for r in rows} <= in_pcn
    assert client.get(f"/api/care/people/{person_of(app, practices['A'])}").status_code == 200


@pytest.mark.parametrize("role", ["analyst", "action_lead", "admin"])
def test_other_roles_cannot_open_care_views(app, practices, role):
    client = signed_in_client(app, role)
    person = person_of(app, practices["A"])
    for path in ("/care", "/care/worklists/frailty", "/care/worklists/frailty/csv", f"/care/people/{person}"):
        assert client.get(path, follow_redirects=False).status_code == 403, (role, path)


def test_every_read_is_audited(app, practices):
    client = signed_in_client(app, "care_team", "care_audit", practice_code=practices["A"])
    person = person_of(app, practices["A"])
    client.get("/care/worklists/care-gaps")
    client.get(f"/care/people/{person}")
    client.get(f"/api/care/people/{person}")
    client.get(f"/care/people/{person_of(app, practices['B'])}")
    scope = f"practice:{practices['A']}"
    rows = audit_for(app, "care_audit")
    assert rows[0] == ("/care/worklists/care-gaps", None, scope, rows[0][3]) and "care-gaps" in rows[0][3]
    assert rows[1][:3] == (f"/care/people/{person}", person, scope)
    assert rows[2][:3] == (f"/api/care/people/{person}", person, scope)
    assert "outside scope" in rows[3][3]  # a refused read is recorded too
    con = app.state.con.cursor()
    assert verify_chain(con)
    con.close()


def test_csv_download_is_audited_and_matches_the_page(app, practices):
    client = signed_in_client(app, "care_team", "care_csv", practice_code=practices["A"])
    response = client.get("/care/worklists/care-gaps/csv?min_age=40")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(response.text)))
    page = client.get("/api/care/worklists/care-gaps?min_age=40").json()
    assert table[0][0] == "Record identifier"
    assert [r[0] for r in table[1:]] == [r["display_id"] for r in page["rows"]]
    assert all(int(r[1]) >= 40 for r in table[1:])
    routes = [r[0] for r in audit_for(app, "care_csv")]
    assert routes == ["/care/worklists/care-gaps/csv", "/api/care/worklists/care-gaps"]
    assert "CSV download" in audit_for(app, "care_csv")[0][3]


def test_care_teams_see_the_record_identifier_and_pseudonyms_hide_it(app, practices):
    con = app.state.con.cursor()
    try:
        chosen = select(scope_profile(con, CareScope("practice", practices["A"])), WORKLISTS["care-gaps"])
        source = dict(con.execute("SELECT person_id, person_source_value FROM person").fetchall())
    finally:
        con.close()
    shown = to_rows(chosen, WORKLISTS["care-gaps"], identify=True)
    hidden = to_rows(chosen, WORKLISTS["care-gaps"], identify=False)
    assert [r.display_id for r in shown] == [source[r.person_id] for r in shown]
    assert all(r.person_id is None for r in hidden)
    pseudonyms = [r.display_id for r in hidden]
    assert len(set(pseudonyms)) == len(pseudonyms)
    assert not set(pseudonyms) & {r.display_id for r in shown}
    assert all(p.startswith("P-") and len(p) == 14 for p in pseudonyms)
    assert pseudonyms == [r.display_id for r in to_rows(chosen, WORKLISTS["care-gaps"], identify=False)]


def test_worklist_figures_agree_with_the_omop_query_building_blocks(app, care_warehouse, practices):
    """Ages and emergency admissions on the pages, checked against pophealth.omop.queries (Ibis)."""
    client = signed_in_client(app, "care_team", "care_check", practice_code=practices["A"])
    page = client.get("/api/care/worklists/admission-risk").json()
    as_of = dt.date.fromisoformat(page["as_of"])
    ibis_con = ibis.duckdb.from_connection(app.state.con.cursor())
    cdm = Cdm(ibis_con)
    ages = as_dict(age_on(cdm, as_of))
    admissions = as_dict(emergency_admissions(cdm, as_of - dt.timedelta(days=365) + dt.timedelta(days=1), as_of))
    assert page["rows"], "the synthetic practice should have people with emergency admissions"
    for row in page["rows"]:
        assert row["age"] == ages[row["person_id"]]
        assert int(row["values"][0]) == admissions[row["person_id"]]
