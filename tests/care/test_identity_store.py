"""The identity store: a separate file, valid NHS numbers only, loads all-or-nothing, disclosures logged."""

from __future__ import annotations

import pytest

from pophealth.care.identity_store import (disclosures, identities, person_for_nhs_number, record_disclosure,
                                           replace_identities, store_path)
from pophealth.errors import InputError

ROWS = [{"person_id": 1, "nhs_number": "999 000 0018", "given_name": "Ann", "family_name": "Lee",
         "birth_date": "1950-02-03", "address": "1 Main Street, Oakham", "practice_code": "C82001"},
        {"person_id": 2, "nhs_number": "9990000026", "given_name": "Raj", "family_name": "Patel",
         "birth_date": "1961-12-31", "address": None, "practice_code": "C82002"}]


def test_store_sits_beside_the_warehouse_not_in_it(tmp_path):
    assert store_path(tmp_path / "w.duckdb") == tmp_path / "w.duckdb.identity.sqlite"


def test_round_trip_and_lookup(tmp_path):
    path = store_path(tmp_path / "w.duckdb")
    assert replace_identities(path, ROWS, source="test", origin="people.csv") == 2
    found = identities(path, [1, 2, 3])
    assert set(found) == {1, 2}
    assert found[1].nhs_number == "9990000018" and found[1].nhs_number_display == "999 000 0018"
    assert found[1].name == "LEE, Ann" and str(found[2].birth_date) == "1961-12-31"
    assert person_for_nhs_number(path, "999 000 0026") == 2 and person_for_nhs_number(path, "9990000034") is None


def test_an_invalid_nhs_number_rejects_the_whole_load_naming_the_row(tmp_path):
    path = store_path(tmp_path / "w.duckdb")
    replace_identities(path, ROWS, source="test", origin="people.csv")
    bad = [ROWS[0], {**ROWS[1], "nhs_number": "9990000027"}]
    with pytest.raises(InputError) as err:
        replace_identities(path, bad, source="test", origin="people.csv")
    assert "people.csv" in str(err.value) and "row 2" in str(err.value) and "nhs_number" in str(err.value)
    assert set(identities(path, [1, 2])) == {1, 2}  # nothing was replaced


def test_disclosures_are_logged_per_person(tmp_path):
    path = store_path(tmp_path / "w.duckdb")
    replace_identities(path, ROWS, source="test", origin="people.csv")
    shown = identities(path, [1, 2])
    assert record_disclosure(path, "jo", "/care/worklists/frailty", shown.values()) == 2
    assert [d["nhs_number"] for d in disclosures(path, person_id=1)] == ["9990000018"]
    assert {d["username"] for d in disclosures(path, username="jo")} == {"jo"}
