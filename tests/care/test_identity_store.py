"""The identity store: a separate file, valid NHS numbers only, loads all-or-nothing, disclosures logged."""

from __future__ import annotations

import os
import shutil

import pytest

from pophealth.care import identity_store
from pophealth.care.identity_store import (HELD_PER_THREAD, disclosures, identities, person_for_nhs_number, record_disclosure,
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


def test_two_spellings_of_one_store_write_through_its_one_log(tmp_path):
    """The log is found by the path as given, without resolving it each view; another spelling of the same file
    still shares the one log (one group commit, one order of rows)."""
    path = store_path(tmp_path / "w.duckdb")
    replace_identities(path, ROWS, source="test", origin="people.csv")
    other = tmp_path / "sub" / ".." / path.name
    (tmp_path / "sub").mkdir()
    assert identity_store._disclosure_log(other) is identity_store._disclosure_log(path)
    record_disclosure(other, "jo", "/care", identities(path, [1]).values())
    record_disclosure(path, "al", "/care", identities(path, [2]).values())
    assert [d["username"] for d in disclosures(path)] == ["al", "jo"]  # newest first


def test_a_store_replaced_or_removed_under_a_kept_connection_is_read_afresh(tmp_path):
    """Connections are kept open between operations (closing the last one checkpoints the log every time);
    a store file replaced by another (a restore from backup) or removed is never read through the old one."""
    path = store_path(tmp_path / "w.duckdb")
    replace_identities(path, ROWS[:1], source="test", origin="people.csv")
    assert set(identities(path, [1, 2])) == {1}
    restored = store_path(tmp_path / "backup.duckdb")
    replace_identities(restored, ROWS[1:], source="test", origin="people.csv")
    os.replace(restored, path)
    assert set(identities(path, [1, 2])) == {2}
    path.unlink()
    assert identities(path, [1, 2]) == {}


def test_a_load_leaves_the_identities_in_the_store_file_itself(tmp_path):
    """A copy of the store file alone (a backup taken by copying files) holds a finished load, although the
    loading process still keeps its connection, and with it the write-ahead log, open."""
    path = store_path(tmp_path / "w.duckdb")
    replace_identities(path, ROWS, source="test", origin="people.csv")
    copy = tmp_path / "copy.identity.sqlite"
    shutil.copyfile(path, copy)
    assert set(identities(copy, [1, 2])) == {1, 2}


def test_each_thread_keeps_a_bounded_number_of_store_connections(tmp_path):
    paths = [store_path(tmp_path / f"w{i}.duckdb") for i in range(HELD_PER_THREAD + 5)]
    for p in paths:
        replace_identities(p, ROWS, source="test", origin="people.csv")
        identities(p, [1])
    held = identity_store._HELD.stores  # this thread's
    assert len(held) == HELD_PER_THREAD and list(held)[-1] == str(paths[-1])
