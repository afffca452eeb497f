"""Identifiers only where care is given: a care-team user of a practice sees names and NHS numbers of that
practice's people; nobody else sees them on any route; every view with identifiers is logged with them."""

from __future__ import annotations

import csv
import html
import io
import re
import shutil
import sqlite3

import pytest
from fastapi.testclient import TestClient

from pophealth.access.audit import audit_rows
from pophealth.access.audit_store import copy_audit
from pophealth.care.identity_store import disclosures, identities, store_path
from pophealth.care.nhs_number import is_test_number
from pophealth.care.outcomes import OUTCOMES
from pophealth.care.results import latest_runs, scope_people
from pophealth.care.scope import CareScope
from pophealth.care.worklists import WORKLISTS, select
from pophealth.web.app import create_app
from pophealth.web.pages import route_registry
from tests.auth_support import csrf_of, signed_in_client


@pytest.fixture(scope="module")
def app(care_warehouse):
    return create_app(care_warehouse, strategy_dir="tests/fixtures/strategy_min")


@pytest.fixture(scope="module")
def setting(app, care_warehouse):
    con = app.state.con.cursor()
    try:
        (a, pcn_a), (b, _) = con.execute("SELECT practice_code, pcn_code FROM person_geography GROUP BY ALL "
                                         "ORDER BY count(*) DESC, 1 LIMIT 2").fetchall()
        people_a = [r[0] for r in con.execute("SELECT person_id FROM person_geography WHERE practice_code = ?",
                                              [a]).fetchall()]
        chosen = select(scope_people(con, latest_runs(con), CareScope("practice", a)), WORKLISTS["care-gaps"])
    finally:
        con.close()
    store = store_path(care_warehouse)
    known = identities(store, people_a)
    return {"A": a, "B": b, "pcn_A": pcn_a, "store": store, "people_A": set(people_a), "ids_A": known,
            "person": int(chosen["person_id"].iloc[0])}


def audit_details(app, username: str) -> list[str]:
    """The detail of each audit row of ``username``, oldest first."""
    con = app.state.con.cursor()
    try:
        return [r["detail"] for r in reversed(audit_rows(con)) if r["username"] == username]
    finally:
        con.close()


def numbers_in(text: str) -> set[str]:
    """Every 10-digit run, with or without the 3-3-4 spaces."""
    return {m.replace(" ", "") for m in re.findall(r"(?<!\d)\d{3} ?\d{3} ?\d{4}(?!\d)", text)}


def test_care_team_of_the_practice_sees_names_and_nhs_numbers(app, setting):
    client = signed_in_client(app, "care_team", "id_a", practice_code=setting["A"])
    rows = client.get("/api/care/worklists/care-gaps").json()["rows"]
    assert rows
    for r in rows:
        held = setting["ids_A"][r["person_id"]]
        assert r["nhs_number"] == held.nhs_number_display and r["name"] == held.name
        assert r["birth_date"] == str(held.birth_date)
    page = client.get(f"/care/people/{setting['person']}").text
    held = setting["ids_A"][setting["person"]]
    assert held.nhs_number_display in page and held.name in page and str(held.birth_date) in page


def test_each_view_with_identifiers_is_logged_with_the_identifiers_shown(app, setting):
    client = signed_in_client(app, "care_team", "id_log", practice_code=setting["A"])
    rows = client.get("/api/care/worklists/frailty").json()["rows"]
    client.get(f"/care/people/{setting['person']}")
    logged = disclosures(setting["store"], username="id_log")
    by_route = {}
    for d in logged:
        by_route.setdefault(d["route"], set()).add(d["nhs_number"])
    assert by_route["/api/care/worklists/frailty"] == {r["nhs_number"].replace(" ", "") for r in rows}
    assert by_route[f"/care/people/{setting['person']}"] == {setting["ids_A"][setting["person"]].nhs_number}
    details = audit_details(app, "id_log")
    assert f"identifiers shown for {len(rows)} people" in details[0]
    assert "identifiers shown for 1 people" in details[1]
    # the warehouse audit names no NHS number: identifiers stay in the identity store
    assert not numbers_in(" ".join(details)) & {i.nhs_number for i in setting["ids_A"].values()}


def concrete_paths(path: str, setting) -> list[str]:
    """Addresses for a route pattern: every worklist for {name}, practice A's person for {person_id}."""
    if "{name}" in path:
        return [path.replace("{name}", n) for n in WORKLISTS]
    path = path.replace("{person_id}", str(setting["person"]))
    return [re.sub(r"\{[^}]+\}", "1", path)]


@pytest.mark.parametrize("who", ["public", "analyst", "action_lead", "admin", "care_team_B"])
def test_no_route_shows_practice_a_identifiers_to_anyone_else(app, setting, who):
    if who == "public":
        client = TestClient(app)
    elif who == "care_team_B":
        client = signed_in_client(app, "care_team", "id_b", practice_code=setting["B"])
    else:
        client = signed_in_client(app, who, f"id_{who}")
    secret = {i.nhs_number for i in setting["ids_A"].values()}
    checked = 0
    for route in route_registry(app):
        if "GET" not in route.methods or route.path in ("/logout",):
            continue
        for path in concrete_paths(route.path, setting):
            for query in ("", f"?practice={setting['A']}"):
                response = client.get(path + query, follow_redirects=False)
                checked += 1
                assert not numbers_in(response.text) & secret, (who, path + query)
    assert checked > 50


def test_practice_export_holds_only_that_practices_valid_numbers_in_the_layout(app, setting):
    client = signed_in_client(app, "care_team", "id_export", practice_code=setting["A"])
    response = client.get("/care/worklists/care-gaps/csv?layout=nhs-numbers")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    body = response.content.decode("ascii")
    lines = body.split("\r\n")
    assert lines[-1] == "" and all(re.fullmatch(r"\d{10}", line) for line in lines[:-1])  # CRLF, no header
    numbers = lines[:-1]
    assert numbers and all(is_test_number(n) for n in numbers)
    mine = {i.nhs_number for i in setting["ids_A"].values()}
    assert set(numbers) <= mine
    listed = client.get("/api/care/worklists/care-gaps").json()["rows"]
    assert numbers == [r["nhs_number"].replace(" ", "") for r in listed]
    assert {d["nhs_number"] for d in disclosures(setting["store"], username="id_export")} >= set(numbers)


def test_recording_an_outcome_shows_on_the_list_in_the_audit_and_on_the_phm_page(app, setting):
    client = signed_in_client(app, "care_team", "id_outcome", practice_code=setting["A"])
    analyst = signed_in_client(app, "analyst", "id_outcome_analyst")
    before = analyst.get("/api/phm").json()["care_loop"]["reviewed"]
    person = setting["person"]
    token = csrf_of(client, "/care/worklists/care-gaps")
    response = client.post("/care/worklists/care-gaps/outcome", follow_redirects=False,
                           data={"csrf_token": token, "person_id": str(person), "outcome": "contacted",
                                 "back": "?sort=age&recorded=1"})
    assert response.status_code == 303 and response.headers["location"] == "/care/worklists/care-gaps?sort=age&recorded=1"
    row = next(r for r in client.get("/api/care/worklists/care-gaps").json()["rows"] if r["person_id"] == person)
    assert row["outcome"].startswith(f"{OUTCOMES['contacted']} by id_outcome on ")
    con = app.state.con.cursor()
    try:
        audited = [(r["person_id"], r["detail"]) for r in audit_rows(con)
                   if r["username"] == "id_outcome" and r["route"].endswith("/outcome")]
    finally:
        con.close()
    assert audited == [(person, "outcome contacted recorded on worklist care-gaps")]
    after = analyst.get("/api/phm").json()["care_loop"]
    assert after["reviewed"] == before + 1 and after["by_outcome"]["Contacted"] >= 1
    assert "people with an outcome recorded" in analyst.get("/phm").text


def test_an_outcome_for_someone_outside_the_practice_is_refused(app, setting):
    con = app.state.con.cursor()
    try:
        theirs = con.execute("SELECT min(person_id) FROM person_geography WHERE practice_code = ?",
                             [setting["B"]]).fetchone()[0]
    finally:
        con.close()
    client = signed_in_client(app, "care_team", "id_outcome_b", practice_code=setting["A"])
    token = csrf_of(client, "/care/worklists/care-gaps")
    response = client.post("/care/worklists/care-gaps/outcome", data={"csrf_token": token, "person_id": str(theirs),
                                                                        "outcome": "reviewed"})
    assert response.status_code == 404


def test_last_year_of_life_list_never_holds_anyone_on_the_palliative_register(app, setting):
    con = app.state.con.cursor()
    try:
        runs = latest_runs(con)
        on_register = {r[0] for r in con.execute("SELECT person_id FROM phm_person_register WHERE run_id = ? "
                                                   "AND register = 'palliative_care'", [runs.phm_run]).fetchall()}
        listed_by_model = {r[0] for r in con.execute("SELECT person_id FROM phm_eol_current WHERE run_id = ?",
                                                     [runs.death.run_id]).fetchall()}
        listed_at_cutoff = {r[0] for r in con.execute("SELECT person_id FROM phm_eol_worklist WHERE run_id = ?",
                                                      [runs.death.run_id]).fetchall()}
        pcns = [r[0] for r in con.execute("SELECT DISTINCT pcn_code FROM person_geography").fetchall()]
        in_run = {r[0] for r in con.execute("SELECT person_id FROM phm_person WHERE run_id = ?",
                                            [runs.phm_run]).fetchall()}
    finally:
        con.close()
    shown = set()
    for pcn in pcns:
        client = signed_in_client(app, "care_team", f"eol_{pcn}", pcn_code=pcn)
        shown |= {r["person_id"] for r in client.get("/api/care/worklists/last-year-of-life").json()["rows"]}
    # scored at the run's index date, the model's list leaves out the register as it stands then; the list
    # of the cut-off a year earlier did hold people now on the register (the case the view also guards)
    assert listed_at_cutoff & on_register & in_run, "people listed at the cut-off are now on the register"
    assert not listed_by_model & on_register
    assert shown and not shown & on_register
    assert shown == listed_by_model & in_run


@pytest.fixture
def own_app(care_warehouse, tmp_path):
    """An app on a copy of the care warehouse and its identity store: a test that discloses a whole list
    leaves nothing in the shared disclosure log that other tests (the audit search) read."""
    db = tmp_path / "care.duckdb"
    shutil.copy(care_warehouse, db)
    shutil.copy(store_path(care_warehouse), store_path(db))
    copy_audit(care_warehouse, db)  # and its audit, so this copy's chain goes on from the shared one's
    app = create_app(db, strategy_dir="tests/fixtures/strategy_min")
    yield app
    app.state.con.close()


def test_a_long_worklist_is_paged_and_each_page_discloses_only_its_own_people(own_app, setting, monkeypatch):
    """Pages of three: walking every page gives the whole list once, in the list's order; each view logs
    the identifiers of its own page's people only; the CSV download is still the whole list."""
    import pophealth.web.routes.care as care_routes

    app, store = own_app, store_path(own_app.state.db)
    monkeypatch.setattr(care_routes, "WORKLIST_PAGE_SIZE", 3)
    con = app.state.con.cursor()
    try:
        whole = select(scope_people(con, latest_runs(con), CareScope("practice", setting["A"])), WORKLISTS["care-gaps"])
    finally:
        con.close()
    expected = [int(p) for p in whole["person_id"]]
    assert len(expected) > 6, "the fixture needs a list of more than two pages"
    client = signed_in_client(app, "care_team", "id_pages", practice_code=setting["A"])
    first = client.get("/api/care/worklists/care-gaps", params={"sort": "age"}).json()
    assert first["pages"] == -(-len(expected) // 3) and first["matching"] == len(expected)
    by_age = select(whole, WORKLISTS["care-gaps"], sort="age")["person_id"].tolist()
    seen = []
    shown_per_view = [{r["nhs_number"].replace(" ", "") for r in first["rows"] if r["nhs_number"]}]
    for n in range(1, first["pages"] + 1):
        body = client.get("/api/care/worklists/care-gaps", params={"sort": "age", "page": n}).json()
        assert body["page_number"] == n and len(body["rows"]) == (3 if n < first["pages"] else len(expected) - 3 * (n - 1))
        assert (body["first"], body["last"]) == (3 * (n - 1) + 1, 3 * (n - 1) + len(body["rows"]))
        if body["next"]:  # the links keep the sort
            assert "sort=age" in body["next"]["href"] and f"page={n + 1}" in body["next"]["href"]
        seen += [r["person_id"] for r in body["rows"]]
        shown_per_view.append({r["nhs_number"].replace(" ", "") for r in body["rows"] if r["nhs_number"]})
    assert seen == by_age
    # the pages are disjoint: every person logged exactly once over the walk means no view logged anyone
    # from another page
    logged = [d["nhs_number"] for d in disclosures(store, username="id_pages")
              if d["route"] == "/api/care/worklists/care-gaps"]
    assert sorted(logged) == sorted(n for shown in shown_per_view for n in shown)
    details = audit_details(app, "id_pages")
    assert f"{len(expected)} rows; page 2 of {first['pages']}, rows 4 to 6" in details[2]
    page_html = client.get("/care/worklists/care-gaps", params={"page": 2}).text
    assert f"People 4 to 6 of {len(expected)}" in page_html and 'aria-current="page">Page 2<' in page_html
    download = client.get("/care/worklists/care-gaps/csv").text
    assert len(list(csv.reader(io.StringIO(download)))) == len(expected) + 1  # the whole list, not one page


def table_rows(page: str) -> list[dict[str, str]]:
    """Each person's row of a worklist page as shown: the name link, NHS number, date of birth, outcome."""
    body = page.split('<tbody class="nhsuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    rows = []
    for tr in body.split('<tr class="nhsuk-table__row">')[1:]:
        def cell(heading: str) -> str:
            return html.unescape(re.search(f'aria-hidden="true">{heading} </span>(.*?)(?:</td>|\\n)', tr, re.S).group(1))
        link = re.search(r'<a href="/care/people/(\d+)">(.*?)</a>', tr)
        rows.append({"person_id": int(link.group(1)), "label": html.unescape(link.group(2)),
                     "nhs_number": cell("NHS number"), "birth_date": cell("Date of birth"),
                     "outcome": cell("Outcome"), "form_label": html.unescape(re.search(
                         r'<label [^>]*>Outcome for (.*?)</label>', tr).group(1))})
    return rows


def test_the_worklist_table_shows_each_persons_own_identifiers_and_latest_outcome_on_every_view(own_app, setting):
    """The table's rows are rendered once per page of the list and reused; names, NHS numbers, dates of birth
    and outcomes are put in for each view: each row shows its own person's, escaped, and a name changed in the
    identity store or an outcome recorded between two views shows on the second."""
    app, store = own_app, store_path(own_app.state.db)
    client = signed_in_client(app, "care_team", "id_table", practice_code=setting["A"])
    first = client.get("/api/care/worklists/care-gaps").json()["rows"]
    shown = table_rows(client.get("/care/worklists/care-gaps").text)
    assert [r["person_id"] for r in shown] == [r["person_id"] for r in first]
    for row, held in zip(shown, first, strict=True):
        assert row["label"] == (held["name"] or f"Record identifier {held['display_id']}")
        assert row["nhs_number"] == (held["nhs_number"] or "Not held")
        assert row["birth_date"] == (held["birth_date"] or "Not held")
        assert row["outcome"] == (held["outcome"] or "None recorded")
        assert row["form_label"] == (held["name"] or held["display_id"])
    someone, other = first[0]["person_id"], first[1]["person_id"]
    with sqlite3.connect(store) as db:  # a correction loaded into the identity store between two views
        db.execute("UPDATE person_identity SET given_name = ?, family_name = ? WHERE person_id = ?",
                   ['<script>alert("x")</script>', "O'Brien & Sons", someone])
    token = csrf_of(client, "/care/worklists/care-gaps")
    client.post("/care/worklists/care-gaps/outcome", data={"csrf_token": token, "person_id": str(other),
                                                          "outcome": "booked", "back": ""})
    page = client.get("/care/worklists/care-gaps").text
    assert '<script>alert("x")</script>' not in page  # escaped, as every value put in
    again = {r["person_id"]: r for r in table_rows(page)}
    corrected = identities(store, [someone])[someone].name
    assert '<script>alert("x")</script>' in corrected and "O'BRIEN & SONS" in corrected
    assert again[someone]["label"] == again[someone]["form_label"] == corrected
    assert again[other]["outcome"].startswith(f"{OUTCOMES['booked']} by id_table on ")
    rows_markup = page.split("<tbody", 1)[1].split("</tbody>", 1)[0].split('<tr class="nhsuk-table__row">')[1:]
    assert len(rows_markup) == len(first) and all(f'name="csrf_token" value="{token}"' in tr for tr in rows_markup)
