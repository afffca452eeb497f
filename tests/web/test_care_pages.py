"""Care-team pages: scope is authorisation, every read is audited, identifiers only for care teams."""

from __future__ import annotations

import csv
import html
import io
import shutil

import ibis
import pandas as pd
import pytest

from pophealth.access.audit import audit_rows, verify_chain
from pophealth.care.results import NO_PHM_RUN, NO_RISK_RUN, latest_runs, scope_people
from pophealth.care.scope import CareScope
from pophealth.care.summary import NOT_IN_RUN
from pophealth.care.worklists import WORKLISTS, select, to_rows
from pophealth.omop.queries import Cdm, age_on, as_dict
from pophealth.warehouse import connect
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


def scope_of(app, practice: str):
    con = app.state.con.cursor()
    try:
        return scope_people(con, latest_runs(con), CareScope("practice", practice))
    finally:
        con.close()


def person_of(app, practice: str) -> int:
    """A person of ``practice`` who is on the care-gaps worklist (registered and alive)."""
    return int(select(scope_of(app, practice), WORKLISTS["care-gaps"])["person_id"].iloc[0])


def audit_for(app, username: str) -> list[tuple]:
    con = app.state.con.cursor()
    try:
        return [(r["route"], r["person_id"], r["scope"], r["detail"]) for r in reversed(audit_rows(con))
                if r["username"] == username]
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
    assert table[0][:5] == ["NHS number", "Name", "Date of birth", "Record identifier", "Age"]
    assert [r[3] for r in table[1:]] == [r["display_id"] for r in page["rows"]]
    assert [r[0] for r in table[1:]] == [r["nhs_number"].replace(" ", "") for r in page["rows"]]
    assert all(int(r[4]) >= 40 for r in table[1:])
    routes = [r[0] for r in audit_for(app, "care_csv")]
    assert routes == ["/care/worklists/care-gaps/csv", "/api/care/worklists/care-gaps"]
    assert "CSV download" in audit_for(app, "care_csv")[0][3]


def test_care_teams_see_the_record_identifier_and_pseudonyms_hide_it(app, practices):
    chosen = select(scope_of(app, practices["A"]), WORKLISTS["care-gaps"])
    con = app.state.con.cursor()
    try:
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


def test_worklist_figures_are_the_stored_results(app, practices):
    """Risk on the admission-risk page is the stored score; ages agree with pophealth.omop.queries (Ibis)."""
    client = signed_in_client(app, "care_team", "care_check", pcn_code=practices["pcn_A"])
    page = client.get("/api/care/worklists/admission-risk").json()
    con = app.state.con.cursor()
    try:
        runs = latest_runs(con)
        scores = dict(con.execute("SELECT person_id, score FROM phm_risk_current_score WHERE run_id = ?",
                                  [runs.admission.run_id]).fetchall())
        ages = as_dict(age_on(Cdm(ibis.duckdb.from_connection(con)), runs.index_date))
    finally:
        con.close()
    assert page["rows"], "the synthetic PCN should have people in the highest 5% of admission risk"
    assert page["as_of"] == str(runs.index_date)
    for row in page["rows"]:
        assert row["age"] == ages[row["person_id"]]
        assert row["values"][0] == f"{100 * scores[row['person_id']]:.1f}%"


def test_person_summary_shows_the_stored_results(app, practices):
    person = person_of(app, practices["A"])
    client = signed_in_client(app, "care_team", "care_summary", practice_code=practices["A"])
    summary = client.get(f"/api/care/people/{person}").json()["person"]
    con = app.state.con.cursor()
    try:
        runs = latest_runs(con)
        ltc, open_gaps = con.execute(
            "SELECT ltc_count, (SELECT count(*) FROM phm_care_gap g WHERE g.run_id = p.run_id AND g.person_id = "
            "p.person_id AND g.gap) FROM phm_person p WHERE run_id = ? AND person_id = ?",
            [runs.phm_run, person]).fetchone()
    finally:
        con.close()
    assert summary["phm"]["run_id"] == runs.phm_run and summary["phm"]["ltc_count"] == ltc
    assert sum(g["status"] == "open" for g in summary["phm"]["gaps"]) == open_gaps > 0
    assert "Care gaps" in summary["phm"]["worklists"]


def test_risk_on_the_summary_is_scored_at_the_runs_index_date_with_the_models_factors(app):
    """The summary's risks are the stored index-date scores; the factors are the stored top three, in order,
    in plain words with their direction; the model's training window is stated."""
    con = app.state.con.cursor()
    try:
        practice = con.execute("SELECT practice_code FROM phm_eol_current GROUP BY 1 ORDER BY count(*) DESC, 1 "
                               "LIMIT 1").fetchall()[0][0]
    finally:
        con.close()
    listed = select(scope_of(app, practice), WORKLISTS["last-year-of-life"])
    person = int(listed["person_id"].iloc[0])
    client = signed_in_client(app, "care_team", "care_factors", practice_code=practice)
    summary = client.get(f"/api/care/people/{person}").json()["person"]
    con = app.state.con.cursor()
    try:
        runs = latest_runs(con)
        stored = {run.run_id: con.execute(
            "SELECT c.score, list(f.contribution ORDER BY f.position), list(f.feature ORDER BY f.position) "
            "FROM phm_risk_current_score c JOIN phm_risk_factor f USING (run_id, person_id) "
            "WHERE run_id = ? AND person_id = ? GROUP BY c.score", [run.run_id, person]).fetchone()
            for run in (runs.admission, runs.death)}
    finally:
        con.close()
    admission, death = summary["phm"]["risks"]
    for risk, run in ((admission, runs.admission), (death, runs.death)):
        score, contributions, features = stored[run.run_id]
        assert risk["scored_at"] == str(runs.index_date) and not risk["stale"]
        assert f"Scored at {runs.index_date}" in risk["note"]
        assert str(run.cutoff) in risk["model"] and str(run.training_cutoff) in risk["model"]
        assert risk["risk"] == pytest.approx(score)
        assert [f["contribution"] for f in risk["factors"]] == pytest.approx(contributions)
        assert len(features) == 3 and all(("raises risk" in f["text"]) == (f["contribution"] > 0)
                                          for f in risk["factors"])
        assert all("_" not in f["text"].split(":")[0] for f in risk["factors"])  # plain words, not column names
    page = client.get(f"/care/people/{person}").text
    assert f"Scored at {runs.index_date}" in page and risk["factors"][0]["text"] in page
    eol = client.get("/api/care/worklists/last-year-of-life").json()
    assert f"Risk scored at {runs.index_date}" in eol["risk_note"]
    row = next(r for r in eol["rows"] if r["person_id"] == person)
    assert row["values"][1] == "; ".join(f["text"] for f in death["factors"])


def test_a_person_not_in_the_run_is_shown_without_phm_results(app):
    con = app.state.con.cursor()
    try:
        runs = latest_runs(con)
        gone, practice = con.execute("""SELECT g.person_id, g.practice_code FROM person_geography g WHERE NOT EXISTS
                              (SELECT 1 FROM phm_person p WHERE p.run_id = ? AND p.person_id = g.person_id)
                              ORDER BY 1 LIMIT 1""", [runs.phm_run]).fetchone()
    finally:
        con.close()
    client = signed_in_client(app, "care_team", "care_gone", practice_code=practice)
    summary = client.get(f"/api/care/people/{gone}").json()["person"]
    assert summary["phm"] is None and summary["phm_note"] == NOT_IN_RUN
    assert NOT_IN_RUN in client.get(f"/care/people/{gone}").text


def copy_of(path, tmp_path, name: str, sql: str | None = None):
    out = tmp_path / name
    shutil.copy(path, out)
    if sql:
        con = connect(out)
        con.execute(sql)
        con.close()
    return out


def test_without_a_phm_run_the_pages_say_so(care_records, tmp_path):
    app = create_app(copy_of(care_records, tmp_path, "records.duckdb"), strategy_dir="tests/fixtures/strategy_min")
    con = app.state.con.cursor()
    practice, person = con.execute("SELECT practice_code, min(person_id) FROM person_geography GROUP BY 1 "
                                   "ORDER BY count(*) DESC, 1 LIMIT 1").fetchone()
    con.close()
    client = signed_in_client(app, "care_team", "care_norun", practice_code=practice)
    home = client.get("/care")
    assert home.status_code == 200 and "No population health run yet" in home.text and "pophealth phm run" in home.text
    for name in WORKLISTS:
        page = client.get(f"/api/care/worklists/{name}").json()
        assert page["no_run"] == NO_PHM_RUN and page["rows"] == []
    assert client.get("/care/worklists/frailty/csv").status_code == 404
    summary = client.get(f"/api/care/people/{person}").json()["person"]
    assert summary["phm"] is None and summary["phm_note"] == NO_PHM_RUN


def test_without_a_risk_run_the_risk_lists_say_so(care_warehouse, tmp_path, practices):
    path = copy_of(care_warehouse, tmp_path, "no_risk.duckdb",
                   "DELETE FROM phm_eol_worklist; DELETE FROM phm_risk_score; DELETE FROM phm_risk_run")
    app = create_app(path, strategy_dir="tests/fixtures/strategy_min")
    client = signed_in_client(app, "care_team", "care_norisk", practice_code=practices["A"])
    for name in ("admission-risk", "last-year-of-life"):
        page = client.get(f"/api/care/worklists/{name}").json()
        assert page["no_run"] == NO_RISK_RUN and page["rows"] == []
        assert "No risk model run yet" in client.get(f"/care/worklists/{name}").text
    counts = {w["name"]: w["count"] for w in client.get("/api/care").json()["worklists"]}
    assert counts["admission-risk"] is None and counts["last-year-of-life"] is None and counts["care-gaps"] > 0


@pytest.mark.parametrize("role", ["care_team", "analyst", "admin"])
def test_my_worklists_link_is_in_the_account_bar_for_care_teams_only(app, practices, role):
    scope = {"practice_code": practices["A"]} if role == "care_team" else {}
    html = signed_in_client(app, role, f"nav_{role}", **scope).get("/").text
    account = html[html.index('class="ph-account"'):html.index("</div>", html.index('class="ph-account"'))]
    header = html[html.index("<header"):html.index("</header>")]
    assert ('href="/care"' in account) is (role == "care_team")
    assert 'href="/care"' not in header


@pytest.mark.parametrize("odd", ["²", str(2 ** 64), "9" * 30])
def test_odd_person_ids_get_the_normal_not_found_and_are_audited(app, practices, odd):
    """The attack: ids like "²" or above 2^63 gave unaudited 500s."""
    client = signed_in_client(app, "care_team", "care_odd", practice_code=practices["A"])
    before = len(audit_for(app, "care_odd"))
    for path in (f"/care/people/{odd}", f"/api/care/people/{odd}"):
        response = client.get(path)
        assert response.status_code == 404, (path, response.status_code)
    assert len(audit_for(app, "care_odd")) == before + 2


def test_a_refused_out_of_scope_filter_is_audited(app, practices):
    client = signed_in_client(app, "care_team", "care_filter", practice_code=practices["A"])
    assert client.get(f"/care/worklists/care-gaps?practice={practices['B']}").status_code == 404
    rows = audit_for(app, "care_filter")
    assert rows and "refused" in rows[-1][3] and practices["B"] in rows[-1][3]


def test_a_failure_on_a_patient_route_gets_the_error_page_and_an_audit_row(app, practices, monkeypatch):
    from fastapi.testclient import TestClient

    import pophealth.web.routes.care as care

    client = signed_in_client(app, "care_team", "care_boom", practice_code=practices["A"])
    quiet = TestClient(app, raise_server_exceptions=False, cookies=client.cookies)
    monkeypatch.setattr(care, "person_summary", lambda *a, **k: 1 / 0)
    response = quiet.get(f"/care/people/{person_of(app, practices['A'])}")
    assert response.status_code == 500 and "Traceback" not in response.text and "problem" in response.text
    assert "ZeroDivisionError" in audit_for(app, "care_boom")[-1][3]


def test_a_view_answered_from_the_cache_opens_no_warehouse_cursor_and_is_still_audited(app, practices, monkeypatch):
    """Cursors are opened on first use: a repeated view (selection, runs and outcomes remembered) needs none,
    while its identities are read and its audit row written as on the first view."""
    from pophealth.web import pages

    client = signed_in_client(app, "care_team", "care_cursor", practice_code=practices["A"])
    app.state.cache.recheck_seconds = 3600  # nothing lapses between the two views
    try:
        opened, real = [], pages.cursor
        monkeypatch.setattr(pages, "cursor", lambda request: opened.append(1) or real(request))
        for path in ("/care", "/care/worklists/frailty"):
            app.state.cache.bump()  # as after a write: the first view asks the warehouse again
            first = client.get(path)
            after_first = len(opened)
            second = client.get(path)
            assert first.status_code == second.status_code == 200
            assert after_first >= 1 and len(opened) == after_first, path  # the first asked, the second did not
            opened.clear()
        assert [r[0] for r in audit_for(app, "care_cursor")] == ["/care"] * 2 + ["/care/worklists/frailty"] * 2
    finally:
        app.state.cache.recheck_seconds = 1.0


def test_the_care_pages_name_the_practice_and_the_pcn_as_published(app, practices):
    """A care team reads its own practice's name, as NHS Digital publishes it in the practice mapping file,
    with its code, not the ``practice:CODE`` form the audit log keeps."""
    published = pd.read_csv("src/pophealth/geography/data/llr_gp_practices_2022-01.csv", dtype=str)
    row = published[published["PRACTICE_CODE"] == practices["A"]].iloc[0]
    practice = signed_in_client(app, "care_team", "names_practice", practice_code=practices["A"])
    home = practice.get("/care").text
    assert html.escape(f"{row['PRACTICE_NAME'].title()} ({practices['A']})") in home
    assert f"practice:{practices['A']}" not in home
    worklist = practice.get("/care/worklists/care-gaps").text
    assert html.escape(f"{row['PRACTICE_NAME'].title()} ({practices['A']})") in worklist
    network = signed_in_client(app, "care_team", "names_pcn", pcn_code=practices["pcn_A"])
    pcn_name = published[published["PCN_CODE"] == practices["pcn_A"]]["PCN_NAME"].iloc[0]
    assert html.escape(f"{pcn_name} ({practices['pcn_A']})") in network.get("/care").text
