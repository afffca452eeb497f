"""Synthetic identities: in the identity store (not the warehouse), valid test-range NHS numbers, one per
person, dates of birth as the records hold them, practices as the geography holds them."""

from __future__ import annotations

import datetime as dt
import sqlite3

from pophealth.care.identity_store import store_path
from pophealth.care.nhs_number import is_test_number
from pophealth.synth.identities import synthetic_identities
from pophealth.warehouse import connect


def test_every_person_has_a_valid_unique_test_number_and_their_own_birth_date(care_records):
    with sqlite3.connect(store_path(care_records)) as db:
        rows = db.execute("SELECT person_id, nhs_number, given_name, family_name, birth_date, practice_code "
                          "FROM person_identity").fetchall()
    con = connect(care_records, read_only=True, migrate=False)
    try:
        people = {r[0]: r[1:] for r in con.execute(
            "SELECT person_id, year_of_birth, month_of_birth, day_of_birth, practice_code "
            "FROM person JOIN person_geography USING (person_id)").fetchall()}
        warehouse_text = " ".join(str(r) for r in con.execute(
            "SELECT * FROM person LIMIT 50").fetchall())
    finally:
        con.close()
    assert len(rows) == len(people) == 2_500
    assert len({r[1] for r in rows}) == len(rows)
    assert all(is_test_number(r[1]) for r in rows)
    for pid, _, given, family, dob, practice in rows:
        year, month, day, practice_held = people[pid]
        assert dt.date.fromisoformat(dob) == dt.date(year, month, day)
        assert practice == practice_held and given and family
    # identifiers stay out of the warehouse: no NHS number appears in its person rows
    assert not any(r[1] in warehouse_text for r in rows[:50])


def test_same_seed_same_identities(care_records):
    con = connect(care_records, read_only=True, migrate=False)
    try:
        first, again, other = (synthetic_identities(con, 3), synthetic_identities(con, 3), synthetic_identities(con, 4))
    finally:
        con.close()
    assert first == again and first != other


def test_a_population_larger_than_the_test_range_gives_identities_to_as_many_as_it_holds(care_records, monkeypatch):
    """The full LLR (1.12 million) is larger than the test range (909,091 valid numbers): generation must not
    fail, no number outside the range is made up, and each number goes to one person only."""
    import pophealth.synth.identities as identities
    from pophealth.care.nhs_number import valid_test_numbers

    small = valid_test_numbers()[:1_000]
    monkeypatch.setattr(identities, "valid_test_numbers", lambda: small)
    con = connect(care_records, read_only=True, migrate=False)
    try:
        rows = synthetic_identities(con, 3)
        people = {r[0] for r in con.execute("SELECT person_id FROM person").fetchall()}
    finally:
        con.close()
    assert len(rows) == 1_000 < len(people)
    assert {r["nhs_number"] for r in rows} == set(small)
    assert {r["person_id"] for r in rows} <= people and len({r["person_id"] for r in rows}) == 1_000
    assert [r["person_id"] for r in rows] == sorted(r["person_id"] for r in rows)
