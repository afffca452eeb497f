import csv
import shutil
from datetime import date

import pytest

from pophealth.errors import InputError
from pophealth.sources.synthea import load_synthea
from pophealth.warehouse import connect

from .conftest import FIXTURES, snapshot

LAYOUTS = {"synthea_legacy": "synthea-legacy", "synthea_v3": "synthea-v3"}


def _read(folder, name):
    with (FIXTURES / folder / name).open() as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("folder", LAYOUTS)
def test_every_patient_imports_and_the_layout_is_detected(folder, db_file, key):
    con = connect(db_file)
    summary = load_synthea(con, FIXTURES / folder, key)
    patients = _read(folder, "patients.csv")
    assert summary.layout == LAYOUTS[folder]
    assert {r[0] for r in con.execute("SELECT person_id FROM person").fetchall()} == {
        key.pseudonym("synthea", p["Id"]) for p in patients}
    dead = {key.pseudonym("synthea", p["Id"]): date.fromisoformat(p["DEATHDATE"]) for p in patients if p["DEATHDATE"]}
    assert dict(con.execute("SELECT person_id, death_date FROM death").fetchall()) == dead
    for source, table in [("conditions.csv", "condition_occurrence"), ("medications.csv", "drug_exposure"),
                          ("procedures.csv", "procedure_occurrence"), ("encounters.csv", "visit_occurrence")]:
        assert summary.row_counts[table] == len(_read(folder, source))
    observations = _read(folder, "observations.csv")
    assert summary.row_counts["measurement"] == sum(o["TYPE"] == "numeric" for o in observations)
    assert summary.row_counts["observation"] == sum(o["TYPE"] != "numeric" for o in observations)


@pytest.mark.parametrize("folder", LAYOUTS)
def test_mapping_follows_the_conventions(folder, db_file, key):
    con = connect(db_file)
    load_synthea(con, FIXTURES / folder, key)
    classes = {"wellness": 9202, "ambulatory": 9202, "outpatient": 9202, "emergency": 9203, "inpatient": 9201}
    for encounter in _read(folder, "encounters.csv"):
        got = con.execute("SELECT visit_concept_id, person_id, visit_start_date FROM visit_occurrence "
                          "WHERE visit_occurrence_id = ?",
                          [key.pseudonym("synthea-visit_occurrence", encounter["Id"])]).fetchall()
        assert got == [(classes[encounter["ENCOUNTERCLASS"]], key.pseudonym("synthea", encounter["PATIENT"]),
                        date.fromisoformat(encounter["START"][:10]))]
    for condition in _read(folder, "conditions.csv"):
        got = con.execute(
            "SELECT condition_concept_id, condition_start_date, visit_occurrence_id FROM condition_occurrence "
            "WHERE person_id = ? AND condition_source_value = ?",
            [key.pseudonym("synthea", condition["PATIENT"]), condition["CODE"]]).fetchall()
        assert got == [(0, date.fromisoformat(condition["START"]),
                        key.pseudonym("synthea-visit_occurrence", condition["ENCOUNTER"]))]
    for procedure in _read(folder, "procedures.csv"):
        when = procedure.get("START") or procedure["DATE"]
        assert con.execute("SELECT procedure_date FROM procedure_occurrence WHERE procedure_source_value = ?",
                           [procedure["CODE"]]).fetchall() == [(date.fromisoformat(when[:10]),)]
    for row in _read(folder, "observations.csv"):
        if row["TYPE"] == "numeric":
            assert con.execute("SELECT value_as_number, unit_source_value FROM measurement "
                               "WHERE measurement_source_value = ?", [row["CODE"]]).fetchall() == [
                (float(row["VALUE"]), row["UNITS"])]


@pytest.mark.parametrize("folder", LAYOUTS)
def test_no_direct_identifier_reaches_the_warehouse_file(folder, db_file, key):
    con = connect(db_file)
    load_synthea(con, FIXTURES / folder, key)
    con.execute("CHECKPOINT")
    con.close()
    content = db_file.read_bytes()
    for patient in _read(folder, "patients.csv"):
        for field in ("Id", "SSN", "FIRST", "LAST", "ADDRESS"):
            assert patient[field].encode() not in content, field
    for encounter in _read(folder, "encounters.csv"):
        assert encounter["Id"].encode() not in content


def test_loading_twice_leaves_the_same_rows(db_file, key):
    con = connect(db_file)
    load_synthea(con, FIXTURES / "synthea_v3", key)
    first = snapshot(con)
    load_synthea(con, FIXTURES / "synthea_v3", key)
    assert {t: r for t, r in snapshot(con).items() if t != "import_batch"} == {
        t: r for t, r in first.items() if t != "import_batch"}


def _edit(folder, name, row, column, value):
    path = folder / name
    with path.open() as handle:
        rows = list(csv.reader(handle))
    if value is None:
        index = rows[0].index(column)
        rows = [r[:index] + r[index + 1:] for r in rows]
    else:
        rows[row - 1][rows[0].index(column)] = value
    with path.open("w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


@pytest.mark.parametrize("name, row, column, value, message", [
    ("conditions.csv", 3, "START", "2019-02-30", "expected a date"),
    ("observations.csv", 2, "VALUE", "seven", "expected a number"),
    ("conditions.csv", 2, "PATIENT", "00000000-0000-0000-0000-000000000000", "no person record"),
    ("encounters.csv", 1, "PATIENT", None, "required column is missing"),
])
def test_a_bad_file_is_rejected_whole(name, row, column, value, message, tmp_path, db_file, key):
    folder = shutil.copytree(FIXTURES / "synthea_v3", tmp_path / "export")
    con = connect(db_file)
    load_synthea(con, FIXTURES / "synthea_legacy", key)
    before = snapshot(con)
    _edit(folder, name, row, column, value)
    with pytest.raises(InputError) as info:
        load_synthea(con, folder, key)
    assert any(p.file == name and p.row == row and p.column == column and message in p.message
               for p in info.value.problems), info.value.problems
    assert snapshot(con) == before


@pytest.mark.parametrize("folder_name", LAYOUTS)
def test_a_medication_ending_before_it_starts_is_loaded_and_reported(folder_name, tmp_path, db_file, key):
    """Real Synthea exports carry such rows: they load, and the load reports them (OHDSI DQD
    plausibleStartBeforeEnd) with file, rows and column, instead of rejecting the export."""
    folder = shutil.copytree(FIXTURES / folder_name, tmp_path / "export")
    meds = _read(folder_name, "medications.csv")
    _edit(folder, "medications.csv", 2, "STOP", "2000-01-01T00:00:00Z")
    con = connect(db_file)
    summary = load_synthea(con, folder, key)
    assert [(f["check"], f["file"], f["column"], f["rows"], f["count"]) for f in summary.findings] == [
        ("plausibleStartBeforeEnd", "medications.csv", "STOP", [2], 1)]
    assert summary.row_counts["drug_exposure"] == len(meds)
