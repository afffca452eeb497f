"""Figures of the PHM engine are never shown as current once the records they were computed from are gone.

A warehouse of the synthetic records made to look like a loaded extract (its synthetic marker removed, so
its figures are no longer withheld as a demonstration), then changed as a corrected extract would change it.
"""

from __future__ import annotations

import shutil

import pytest

from pophealth.measures.series import PHM_OUT_OF_DATE, read_series
from pophealth.measures.tracking import NoDataYet, public_series, take_snapshot
from pophealth.phm.run import run_phm
from pophealth.warehouse import connect
from pophealth.warehouse.versions import record_population

MEASURES = ("people-with-5-or-more-ltcs", "frailty-worklist-reviewed")

pytestmark = pytest.mark.slow


@pytest.fixture
def extract(care_warehouse, tmp_path):
    path = tmp_path / "extract.duckdb"
    shutil.copy(care_warehouse, path)
    con = connect(path)
    con.execute("DELETE FROM synth_run")  # as if loaded from practices' records
    yield con
    con.close()


def _public(con, llr, measure_id: str):
    m = llr.measure(measure_id)
    return public_series(read_series(con, m), m.unit)


def test_a_changed_population_withholds_the_figures_until_the_next_run(extract, llr):
    five = _public(extract, llr, MEASURES[0])
    assert five.points and five.out_of_date is None and not five.demo
    first_run = five.latest.source
    assert take_snapshot(extract, llr).series[MEASURES[0]].points  # the board pack shows it

    extract.execute("DELETE FROM person WHERE person_id IN (SELECT person_id FROM person ORDER BY person_id LIMIT 40)")
    record_population(extract, "a corrected extract")
    for measure_id in MEASURES:
        shown = _public(extract, llr, measure_id)
        assert shown.points == [] and shown.compare == [] and shown.note == PHM_OUT_OF_DATE, measure_id
    # the secure-zone series keeps its history, marked; the board pack and the public see none of it
    kept = read_series(extract, llr.measure(MEASURES[0]))
    assert kept.points and kept.out_of_date == PHM_OUT_OF_DATE
    with pytest.raises(NoDataYet):  # only PHM figures were loaded here: the board pack has none to show now
        take_snapshot(extract, llr)

    run_phm(con=extract)
    again = _public(extract, llr, MEASURES[0])
    assert again.points and again.out_of_date is None and again.latest.source != first_run
