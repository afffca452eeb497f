"""Data versions: a PHM run is tied to the population it was computed on (issue 14).

After ``synth`` replaces the population, ``phm summary`` and the care views say the run is out of date, show
none of its person-level results, and the worklist export is refused, until ``phm run`` is repeated.
"""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from pophealth.cli import app as cli
from pophealth.warehouse import connect
from pophealth.warehouse.versions import latest_population, population_content_id, record_population
from tests.auth_support import signed_in_client
from tests.synth.conftest import build

PEOPLE = 400


def _cli(*args: str) -> CliRunner:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result


def _summary(db) -> dict:
    return json.loads(_cli("phm", "summary", "--json", "--db", str(db)).output)


@pytest.fixture(scope="module")
def replaced(tmp_path_factory):
    """A warehouse whose PHM run was computed, then whose population synth replaced (another seed)."""
    from pophealth.access.audit_store import copy_audit
    from pophealth.care.identity_store import store_path

    folder = tmp_path_factory.mktemp("versions")
    db = build(folder / "w.duckdb", PEOPLE, 11)
    _cli("phm", "run", "--db", str(db))
    before = _summary(db)
    _cli("synth", "--people", str(PEOPLE), "--seed", "12", "--db", str(db))
    after_synth = folder / "after.duckdb"
    shutil.copy(db, after_synth)
    shutil.copy(store_path(db), store_path(after_synth))
    copy_audit(db, after_synth)
    return db, before, after_synth


def test_a_fresh_run_is_current(replaced):
    _, before, _ = replaced
    assert before["current"] is True and before["reason"] is None
    assert before["population_version"] == before["current_population_version"] is not None


def test_after_synth_the_summary_says_the_run_is_out_of_date(replaced):
    _, before, db = replaced
    after = _summary(db)
    assert after["run_id"] == before["run_id"]
    assert after["current"] is False
    assert "out of date" in after["reason"] and "phm run" in after["reason"]
    assert after["current_population_version"] != after["population_version"]
    table = CliRunner().invoke(cli, ["phm", "summary", "--db", str(db)])
    assert "Out of date" in table.output


def test_after_synth_the_worklist_export_is_refused(replaced, tmp_path):
    _, _, db = replaced
    result = CliRunner().invoke(cli, ["phm", "worklist", "--out", str(tmp_path / "w.csv"), "--db", str(db),
                                      "--pcn", "U00000"])
    assert result.exit_code != 0 and "out of date" in str(result.output) + str(result.exception)
    assert not (tmp_path / "w.csv").exists()


def test_after_synth_the_care_views_show_no_stale_results(replaced):
    from pophealth.web.app import create_app

    _, _, db = replaced
    con = connect(db)
    practice, person = con.execute("""SELECT csp.practice_code, p.person_id FROM person p
                                      JOIN care_site_practice csp USING (care_site_id) LIMIT 1""").fetchone()
    stale_rows = con.execute("SELECT count(*) FROM phm_person WHERE person_id = ?", [person]).fetchone()[0]
    con.close()
    app = create_app(db)
    try:
        client = signed_in_client(app, "care_team", practice_code=practice)
        home = client.get("/care")
        assert home.status_code == 200 and "out of date" in home.text
        page = client.get("/care/worklists/frailty")
        assert page.status_code == 200 and "out of date" in page.text
        assert "/care/people/" not in page.text  # no person listed
        assert client.get("/care/worklists/frailty/csv").status_code == 404
        summary = client.get(f"/api/care/people/{person}")
        assert summary.status_code == 200, summary.text
        body = summary.json()
        assert body["person"]["phm"] is None and "out of date" in body["person"]["phm_note"]
        phm_page = signed_in_client(app, "analyst").get("/phm")
        assert 'id="out-of-date"' in phm_page.text
    finally:
        app.state.con.close()
    assert stale_rows in (0, 1)  # the run held a row for this id (of someone else, or of no one now)


def test_running_phm_again_makes_the_run_current(replaced):
    db, before, _ = replaced
    _cli("phm", "run", "--db", str(db))
    again = _summary(db)
    assert again["current"] is True and again["run_id"] != before["run_id"]


def test_synth_and_load_record_versions_and_a_same_population_is_one_version(tmp_path):
    db = build(tmp_path / "v.duckdb", 50, 3)
    con = connect(db)
    try:
        first = latest_population(con)
        assert first is not None and first.source.startswith("synth") and first.people == 50
        assert record_population(con, "again") == first  # unchanged data: the same version
        con.execute("DELETE FROM condition_occurrence WHERE person_id = (SELECT min(person_id) FROM person)")
        assert population_content_id(con)[0] != first.content_id
        assert record_population(con, "edited").version_id == first.version_id + 1
    finally:
        con.close()


def test_published_sites_and_risk_runs_record_the_population_they_were_built_from(tmp_path):
    from pophealth.warehouse.versions import product_current, record_use

    db = build(tmp_path / "p.duckdb", 50, 4)
    _cli("publish", "--out", str(tmp_path / "site"), "--db", str(db), "--strategy", "tests/fixtures/strategy_min")
    written = json.loads((tmp_path / "site" / "data-versions.json").read_text(encoding="utf-8"))
    con = connect(db)
    try:
        content, people = population_content_id(con)
        assert written["population"] == {"version": latest_population(con).version_id, "content_id": content,
                                          "people": people}
        assert product_current(con, "published site", str((tmp_path / "site").resolve()))
        record_use(con, "risk run", "r1")
        assert product_current(con, "risk run", "r1") and not product_current(con, "risk run", "r2")
        con.execute("DELETE FROM person WHERE person_id = (SELECT max(person_id) FROM person)")
        assert not product_current(con, "risk run", "r1")
    finally:
        con.close()


def test_a_site_records_the_loads_it_was_built_from_beside_the_population(tmp_path):
    """Not only the patient-level population: the published statistics (which files, by checksum), the
    reference and public datasets and the tracker, so a figure on the site can be traced to its load."""
    import hashlib

    from pophealth.config import shared_dir

    workbook = min((shared_dir() / "data" / "published" / "nhse-ae-by-provider").glob("*.xls*"),
                   key=lambda p: p.stat().st_size)
    db = build(tmp_path / "p.duckdb", 50, 4)
    _cli("report", "import-nhse", str(workbook), "--db", str(db))
    _cli("publish", "--out", str(tmp_path / "site"), "--db", str(db), "--strategy", "tests/fixtures/strategy_min")
    loads = json.loads((tmp_path / "site" / "data-versions.json").read_text(encoding="utf-8"))["loads"]
    published = loads["published_statistics"]
    file_sum = hashlib.sha256(workbook.read_bytes()).hexdigest()
    assert published["files"] == 1 and published["files_sha256"] == hashlib.sha256(file_sum.encode()).hexdigest()
    assert {"geo_lsoa21", "geo_practice"} <= {d["dataset"] for d in loads["reference_and_public_datasets"]}
    assert loads["delivery_updates"]["updates"] == 0
