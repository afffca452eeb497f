"""The record view of one person reads OMOP through the engine's Ibis definitions: its age, registration and
emergency admissions are the ones the PHM engine counts, worked out here independently from the rows."""

from __future__ import annotations

import datetime as dt

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from pophealth.care.record import identity, medicines, months_before, recent_contacts
from pophealth.warehouse import connect

AS_OF = dt.date(2025, 3, 31)


def completed_years(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def test_age_is_completed_years_including_on_and_before_the_birthday(care_records):
    con = connect(care_records, read_only=True, migrate=False)
    try:
        people = con.execute("SELECT person_id, year_of_birth, month_of_birth, day_of_birth FROM person "
                             "WHERE month_of_birth IS NOT NULL ORDER BY person_id LIMIT 25").fetchall()
        for pid, year, month, day in people:
            born = dt.date(year, month, day)
            birthday = born.replace(year=2024) if (month, day) != (2, 29) else dt.date(2024, 2, 29)
            for on in (birthday, birthday - dt.timedelta(days=1), AS_OF):
                assert identity(con, pid, on)["age"] == completed_years(born, on), (pid, on)
    finally:
        con.close()


def test_emergency_contacts_are_the_engines_emergency_admissions(care_records):
    con = connect(care_records, read_only=True, migrate=False)
    try:
        people = [r[0] for r in con.execute(
            "SELECT person_id FROM visit_occurrence WHERE visit_concept_id IN (262, 9201) "
            "GROUP BY 1 ORDER BY count(*) DESC LIMIT 15").fetchall()]
        for pid in people:
            rows = con.execute("""SELECT visit_start_date, visit_concept_id, admitted_from_concept_id
                                  FROM visit_occurrence WHERE person_id = ? AND visit_start_date <= ?
                                  ORDER BY visit_start_date DESC, visit_occurrence_id DESC LIMIT 50""",
                               [pid, AS_OF]).fetchall()
            shown = recent_contacts(con, pid, AS_OF, limit=50)
            assert [c["date"] for c in shown] == [r[0] for r in rows]
            # 262 is an emergency admission; 9201 only when admitted from the emergency room (8870)
            assert [c["emergency"] for c in shown] == [r[1] == 262 or (r[1] == 9201 and r[2] == 8870) for r in rows]
    finally:
        con.close()


def test_medicines_count_issues_in_the_twelve_months_to_the_as_at_date(care_records):
    con = connect(care_records, read_only=True, migrate=False)
    try:
        pid, issued = con.execute("SELECT person_id, max(drug_exposure_start_date) FROM drug_exposure "
                                  "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchone()
        on_day = {m["code"]: m for m in medicines(con, pid, issued)}
        later = medicines(con, pid, months_before(issued, -12) + dt.timedelta(days=1))  # the last issue 12 months + 1 day ago
        window = con.execute("""SELECT drug_source_value, count(*) FROM drug_exposure WHERE person_id = ?
                                AND drug_exposure_start_date <= ? AND drug_exposure_start_date > ?
                                GROUP BY 1""", [pid, issued, months_before(issued, 12)]).fetchall()
    finally:
        con.close()
    assert {code: m["issues_12m"] for code, m in on_day.items()} == dict(window)
    assert max(m["last_issue"] for m in on_day.values()) == issued
    assert later == []  # the last issue is the person's latest: nothing is left in the window


@settings(max_examples=200, deadline=None)
@given(st.dates(dt.date(1901, 1, 1), dt.date(2099, 12, 31)), st.integers(0, 36))
def test_months_before_is_sqls_date_minus_months(day, months):
    expected = duckdb.connect().execute(f"SELECT CAST(DATE '{day.isoformat()}' - INTERVAL {months} MONTH AS DATE)").fetchall()[0][0]
    assert months_before(day, months) == expected
