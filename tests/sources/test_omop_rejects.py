"""A bad OMOP file is rejected whole, naming file, row and column, and the store is unchanged."""

import csv
from pathlib import Path

import pytest

from pophealth.errors import ConfigError, InputError
from pophealth.sources.omop import load_omop
from pophealth.sources.pseudonymise import Pseudonymiser
from pophealth.warehouse import connect

from .conftest import FIXTURES, snapshot


def _rewrite(folder: Path, name: str, change) -> None:
    path = folder / name
    with path.open() as handle:
        rows = list(csv.reader(handle))
    change(rows)
    with path.open("w", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def _set(name: str, row: int, column: str, value: str):
    """Change one cell; ``row`` is the file row number (the header is row 1)."""
    def change(rows):
        rows[row - 1][rows[0].index(column.upper())] = value
    return name, change


def _append_copy(name: str, row: int):
    return name, lambda rows: rows.append(list(rows[row - 1]))


def _add_column(name: str, column: str, values: list[str]):
    def change(rows):
        rows[0].append(column)
        for r, v in zip(rows[1:], values):
            r.append(v)
    return name, change


CASES = {
    "impossible date": (_set("CONDITION_OCCURRENCE.csv", 3, "condition_start_date", "2015-02-30"),
                        "CONDITION_OCCURRENCE.csv", 3, "condition_start_date", "expected a date"),
    "empty required value": (_set("PERSON.csv", 2, "year_of_birth", ""),
                             "PERSON.csv", 2, "year_of_birth", "a value is required"),
    "not a whole number": (_set("VISIT_OCCURRENCE.csv", 2, "visit_concept_id", "9201.5"),
                           "VISIT_OCCURRENCE.csv", 2, "visit_concept_id", "expected a whole number"),
    "text in a number column": (_set("MEASUREMENT.csv", 3, "value_as_number", "high"),
                                "MEASUREMENT.csv", 3, "value_as_number", "expected a number"),
    "duplicate key": (_set("MEASUREMENT.csv", 4, "measurement_id", "4001"),
                      "MEASUREMENT.csv", 4, "measurement_id", "duplicate measurement_id"),
    "second death record": (_append_copy("DEATH.csv", 2),
                            "DEATH.csv", 3, "person_id", "more than one death record"),
    "person missing": (_set("DRUG_EXPOSURE.csv", 2, "person_id", "999"),
                       "DRUG_EXPOSURE.csv", 2, "person_id", "no person record"),
    "unknown column": (_add_column("OBSERVATION.csv", "FAVOURITE_COLOUR", ["blue"]),
                       "OBSERVATION.csv", 1, "favourite_colour", "unknown column"),
    "invalid NHS number": (_add_column("PERSON.csv", "NHS_NUMBER", ["9434765919", "9434765918", "", ""]),
                           "PERSON.csv", 3, "nhs_number", "not a valid NHS number"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_bad_file_is_rejected_whole_and_the_store_is_unchanged(case, omop_dir, db_file, key):
    (name, change), file, row, column, message = CASES[case]
    con = connect(db_file)
    load_omop(con, FIXTURES / "omop_csv", key)
    before = snapshot(con)
    _rewrite(omop_dir, name, change)
    with pytest.raises(InputError) as info:
        load_omop(con, omop_dir, key)
    assert any(p.file == file and p.row == row and p.column == column and message in p.message
               for p in info.value.problems), info.value.problems
    assert snapshot(con) == before


def test_a_valid_nhs_number_is_the_identity_used(omop_dir, db_file, key):
    _rewrite(omop_dir, *_add_column("PERSON.csv", "NHS_NUMBER", ["943 476 5919", "", "", ""]))
    con = connect(db_file)
    load_omop(con, omop_dir, key)
    ids = {r[0] for r in con.execute("SELECT person_id FROM person").fetchall()}
    assert key.pseudonym("nhs", "9434765919") in ids and key.pseudonym("omop", "101") not in ids
    assert key.pseudonym("omop", "102") in ids
    assert con.execute("SELECT count(*) FROM measurement WHERE person_id = ?",
                       [key.pseudonym("nhs", "9434765919")]).fetchall()[0][0] == 2


def test_a_different_key_is_refused(db_file, key):
    con = connect(db_file)
    load_omop(con, FIXTURES / "omop_csv", key)
    before = snapshot(con)
    with pytest.raises(ConfigError, match="key differs"):
        load_omop(con, FIXTURES / "omop_csv", Pseudonymiser(b"another-key-0123456789"))
    assert snapshot(con) == before


def test_an_event_id_used_by_another_person_is_refused(omop_dir, db_file, key):
    con = connect(db_file)
    load_omop(con, FIXTURES / "omop_csv", key)
    before = snapshot(con)
    # a second source whose person 201 reuses condition_occurrence_id 2001
    for path in list(omop_dir.iterdir()):
        if path.name not in ("PERSON.csv", "CONDITION_OCCURRENCE.csv"):
            path.unlink()

    def keep_first_row_as_person_201(column: int):
        def change(rows):
            del rows[2:]
            rows[1][column] = "201"
        return change

    _rewrite(omop_dir, "PERSON.csv", keep_first_row_as_person_201(0))
    _rewrite(omop_dir, "CONDITION_OCCURRENCE.csv", keep_first_row_as_person_201(1))
    with pytest.raises(InputError, match="already used by a record of another person"):
        load_omop(con, omop_dir, key)
    assert snapshot(con) == before


def test_a_folder_without_cdm_files_is_rejected(tmp_path, db_file, key):
    (tmp_path / "notes.txt").write_text("hello\n")
    with pytest.raises(InputError, match="no OMOP CDM table files"):
        load_omop(connect(db_file), tmp_path, key)


def test_a_span_that_ends_before_it_starts_is_loaded_and_reported(omop_dir, db_file, key):
    """Readable but inconsistent rows (OHDSI DQD plausibleStartBeforeEnd) are data-quality findings, not a
    reason to reject the file: the rows load and the finding names file, rows and column."""
    _rewrite(omop_dir, *_set("DRUG_EXPOSURE.csv", 2, "drug_exposure_end_date", "1990-01-01"))
    con = connect(db_file)
    summary = load_omop(con, omop_dir, key)
    assert summary.findings == [{
        "check": "plausibleStartBeforeEnd", "table": "drug_exposure", "column": "drug_exposure_end_date",
        "file": "DRUG_EXPOSURE.csv", "rows": [2], "count": 1,
        "message": "drug_exposure_end_date is before drug_exposure_start_date (row loaded as it is)"}]
    with (omop_dir / "DRUG_EXPOSURE.csv").open() as handle:
        expected_rows = sum(1 for _ in handle) - 1
    assert summary.row_counts["drug_exposure"] == expected_rows
    assert con.execute("SELECT count(*) FROM drug_exposure WHERE drug_exposure_end_date = DATE '1990-01-01'"
                       ).fetchall()[0][0] == 1
