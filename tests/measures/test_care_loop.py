"""Pledge 3's care-loop measure: people on the frailty worklist reviewed, and care gaps closed since the
previous PHM run, on a hand-built warehouse whose answers are counted by hand below."""

from __future__ import annotations

import datetime as dt

import pytest

from pophealth.measures.series import GAPS_CLOSED_ORG, PHM_ALL, read_series
from pophealth.measures.tracking import withhold_demo
from pophealth.warehouse import connect

MEASURE = "frailty-worklist-reviewed"
R1, R2, R2_EARLIER = "20250930-aaaa", "20260331-bbbb", "20260331-0000"


@pytest.fixture
def warehouse(tmp_path):
    con = connect(tmp_path / "loop.duckdb")
    con.execute("""INSERT INTO phm_run (run_id, index_date, definitions_version, codelist_version, engine, people,
                                        started_at, finished_at) VALUES
        ('20250930-aaaa', DATE '2025-09-30', 'd', 'c', 'duckdb', 4, TIMESTAMP '2025-10-01 09:00', TIMESTAMP '2025-10-01 09:05'),
        ('20260331-0000', DATE '2026-03-31', 'd', 'c', 'duckdb', 4, TIMESTAMP '2026-04-01 08:00', TIMESTAMP '2026-04-01 08:05'),
        ('20260331-bbbb', DATE '2026-03-31', 'd', 'c', 'duckdb', 4, TIMESTAMP '2026-04-01 09:00', TIMESTAMP '2026-04-01 09:05')""")
    # R1: people 1-3 on the frailty list, 4 mildly frail. R2: 1, 2, 3 and 5 on it. The earlier R2 run of the same
    # index date is superseded by R2 (the last run of a date stands): it has nobody on the list.
    people = [(R1, 1, "moderate"), (R1, 2, "severe"), (R1, 3, "moderate"), (R1, 4, "mild"),
              (R2, 1, "moderate"), (R2, 2, "severe"), (R2, 3, "severe"), (R2, 4, "mild"), (R2, 5, "moderate"),
              (R2_EARLIER, 1, "fit")]
    con.executemany("INSERT INTO phm_person (run_id, person_id, efi_category) VALUES (?, ?, ?)", people)
    gaps = [(R1, 1, "a", True), (R1, 1, "b", True), (R1, 2, "a", True), (R1, 3, "a", True), (R1, 4, "a", True),
            (R1, 2, "c", False),
            (R2, 1, "a", False), (R2, 1, "b", True), (R2, 2, "a", False), (R2, 4, "a", False), (R2, 2, "c", True)]
    con.executemany("INSERT INTO phm_care_gap (run_id, person_id, care_gap, gap) VALUES (?, ?, ?, ?)", gaps)
    at = dt.datetime(2026, 4, 2, 10, 0)
    outcomes = [(1, "frailty", "reviewed", R2), (1, "care-gaps", "contacted", R2),  # one person, twice
                (2, "frailty", "booked", R1),      # against the earlier run: counts for R1 only
                (4, "care-gaps", "reviewed", R2),  # not on the frailty list
                (3, "frailty", "declined", None),  # recorded with no PHM run: counts for none
                (2, "frailty", "contacted", R2_EARLIER)]  # against a run of R2's date, since superseded
    con.executemany("INSERT INTO care_outcome (person_id, worklist, outcome, username, recorded_at, phm_run_id) "
                    "VALUES (?, ?, ?, 'jo', ?, ?)", [(p, w, o, at, r) for p, w, o, r in outcomes])
    yield con
    con.close()


def test_reviewed_share_per_run_and_gaps_closed_since_the_previous_run(warehouse, llr):
    series = read_series(warehouse, llr.measure(MEASURE))
    assert series.org == PHM_ALL and series.state == "ok" and not series.demo
    reviewed = [(p.label, p.numerator, p.denominator) for p in series.points]
    # R1: person 2 of 1-3; R2's date: people 1 and 2 of 1, 2, 3, 5 (4 is not frail; 3's outcome has no run)
    assert reviewed == [("2025-09", 1, 3), ("2026-03", 2, 4)]
    assert [p.value for p in series.points] == pytest.approx([100 / 3, 50])
    assert [p.source for p in series.points] == [f"PHM run {R1}", f"PHM run {R2}"]
    (closed,) = series.compare
    assert closed.org == GAPS_CLOSED_ORG
    # the previous run is R1 (the superseded run of R2's date is no step of the series);
    # open at R1 for its frailty list and still assessed at R2: (1, a), (1, b), (2, a); (3, a) is not assessed
    # at R2, (4, a) was not on the list, (2, c) was met at R1. Closed at R2: (1, a) and (2, a).
    assert [(p.label, p.numerator, p.denominator) for p in closed.points] == [("2026-03", 2, 3)]
    assert closed.points[0].value == pytest.approx(200 / 3)


def test_a_later_outcome_is_counted_in_the_latest_run(warehouse, llr):
    warehouse.execute("INSERT INTO care_outcome (person_id, worklist, outcome, username, recorded_at, phm_run_id) "
                      "VALUES (5, 'frailty', 'reviewed', 'jo', now(), ?)", [R2])
    latest = read_series(warehouse, llr.measure(MEASURE)).latest
    assert (latest.numerator, latest.denominator) == (3, 4)


def test_one_run_gives_no_gaps_closed_and_no_run_gives_no_data(tmp_path, warehouse, llr):
    warehouse.execute(f"DELETE FROM phm_person WHERE run_id <> '{R1}'; DELETE FROM phm_run WHERE run_id <> '{R1}'")
    series = read_series(warehouse, llr.measure(MEASURE))
    assert len(series.points) == 1 and series.compare[0].state == "not_loaded" and not series.compare[0].points
    empty = connect(tmp_path / "empty.duckdb")
    try:
        nothing = read_series(empty, llr.measure(MEASURE))
    finally:
        empty.close()
    assert nothing.state == "not_loaded" and not nothing.points and "population health management run" in nothing.note


def test_on_the_demonstration_population_it_is_withheld_like_other_phm_measures(warehouse, llr):
    warehouse.execute("INSERT INTO synth_run VALUES (4, 1, 'x', now())")
    series = read_series(warehouse, llr.measure(MEASURE))
    assert series.demo and series.points and all(c.demo for c in series.compare)
    shown = withhold_demo(series)
    assert not shown.points and not shown.compare and shown.state == "not_loaded"
