"""The calibration report and the cohorts the PHM engine needs."""

from __future__ import annotations

import copy
import csv

import duckdb
import pytest

from pophealth.synth.calibration import calibration_report
from tests.synth.conftest import build


def test_report_directions_hold(small_db):
    report = calibration_report(duckdb.connect(str(small_db)))
    direction = [c for c in report["checks"] if c["tolerance"].startswith("direction")]
    assert len(direction) == 2 and all(c["passed"] for c in direction), direction
    ethnic = [c for c in report["checks"] if "ethnicity" in c["name"]]
    assert ethnic and all(c["passed"] for c in ethnic), ethnic
    admissions = [c for c in report["checks"] if "admissions" in c["name"]]
    assert admissions[0]["passed"], admissions


def test_report_passes(small_db):
    """Issue 5: at 20,000 people (seed 7) every check is within the tolerance it states."""
    report = calibration_report(duckdb.connect(str(small_db)))
    assert report["passed"], [c for c in report["checks"] if not c["passed"]]
    names = {c["name"] for c in report["checks"]}
    assert "crude death rate per person-year" in names
    assert {f"eFI {k} share of people 65+" for k in ("fit", "mild", "moderate", "severe")} <= names
    assert {"LE gap M, IMD deciles 9-10 minus 1-2", "LE gap F, IMD deciles 9-10 minus 1-2"} <= names


def test_a_wrong_target_fails_its_check(small_db, monkeypatch):
    """The report can fail: doubling the anxiety target puts the generated prevalence out of tolerance."""
    from pophealth.synth import calibration, calibration_targets

    params = copy.deepcopy(calibration.load_params())
    params["conditions"]["anxiety"]["target"] *= 2
    monkeypatch.setattr(calibration, "load_params", lambda: params)
    monkeypatch.setattr(calibration_targets, "load_params", lambda: params)
    report = calibration_report(duckdb.connect(str(small_db)))
    failed = [c["name"] for c in report["checks"] if not c["passed"]]
    assert failed == ["prevalence anxiety (age 0+)"], failed


@pytest.mark.slow
@pytest.mark.reference
def test_every_cohort_has_members_at_default_size(tmp_path, reference):
    db = build(tmp_path / "demo.duckdb", 50_000, 1)
    with open(reference / "phm" / "codelists" / "cohorts_care_gaps.csv", newline="", encoding="utf-8") as h:
        lists: dict[str, list[str]] = {}
        for r in csv.DictReader(h):
            lists.setdefault(r["cohort"], []).append(r["code"])
    con = duckdb.connect(str(db), read_only=True)
    empty = []
    for cohort, codes in sorted(lists.items()):
        n = con.execute(f"SELECT count(DISTINCT person_id) FROM omop_coded_event WHERE code IN "
                        f"({','.join('?' * len(codes))})", codes).fetchone()[0]
        if n == 0:
            empty.append(cohort)
    assert not empty, empty


def test_leicester_lowest_allows_noise_but_not_a_clear_reversal():
    from pophealth.synth.calibration_mortality import leicester_lowest

    # Rutland 2.6 years below Leicester with a combined SE of 1.6: within 3 SE, so chance can explain it
    assert leicester_lowest({"Leicester": (79.3, 0.6), "Rutland": (76.7, 1.5), "Leicestershire": (82.8, 0.3)})
    # 9.3 years below with a combined SE of about 1.04: a real reversal
    assert not leicester_lowest({"Leicester": (79.3, 0.3), "Rutland": (70.0, 1.0)})
    assert not leicester_lowest({"Rutland": (80.0, 1.0)})


def test_checks_count_ages_in_completed_years_and_admissions_by_the_engines_definition(small_db):
    """The calibration counts the people the PHM registers count: age in completed years on the as-of date
    (a calendar-year difference makes someone 74 whose 74th birthday is still to come), and emergency
    admissions as the engine defines them (262, or 9201 admitted from the emergency room)."""
    import datetime as dt

    from pophealth.synth.calibration import _alive_table, emergency_admissions_ever
    from pophealth.synth.params import load_params
    from pophealth.warehouse import connect

    as_of = dt.date.fromisoformat(str(load_params()["as_of"]))
    con = connect(small_db)
    try:
        _alive_table(con, str(as_of))
        ages = dict(con.execute("SELECT person_id, age FROM _alive").fetchall())
        born = {pid: dt.date(y, m, d) for pid, y, m, d in con.execute(
            "SELECT person_id, year_of_birth, month_of_birth, day_of_birth FROM person").fetchall()}
        con.execute("INSERT INTO visit_occurrence (visit_occurrence_id, person_id, visit_concept_id, visit_start_date, "
                    "visit_end_date, visit_type_concept_id, admitted_from_concept_id) VALUES "
                    "(-1, 1, 9201, DATE '2020-01-01', DATE '2020-01-02', 32817, 8870), "
                    "(-2, 1, 9201, DATE '2020-01-01', DATE '2020-01-02', 32817, 0)")
        before = con.execute("SELECT count(*) FROM visit_occurrence WHERE visit_concept_id = 262").fetchone()[0]
        counted = emergency_admissions_ever(con)
        con.execute("DELETE FROM visit_occurrence WHERE visit_occurrence_id < 0")
    finally:
        con.close()
    assert ages and all(age == as_of.year - born[pid].year - ((as_of.month, as_of.day) < (born[pid].month, born[pid].day))
                        for pid, age in ages.items())
    assert counted == before + 1
