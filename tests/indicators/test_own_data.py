"""Own-data DSRs on a tiny inline OMOP fixture, worked by hand, on DuckDB and (spark marker) PySpark."""

from __future__ import annotations

import datetime as dt
import itertools

import ibis
import numpy as np
import pandas as pd
import pytest

from pophealth.indicators.own_data import TOTAL_CODE, own_indicator, year_window
from pophealth.indicators.own_definitions import event, level
from pophealth.omop import Cdm
from pophealth.stats import dsr
from pophealth.stats.esp2013 import ESP2013, ESP2013_BANDS
from pophealth.warehouse import connect

YEAR = 2023
FULL = 365 / 365.25        # person-years of a whole registered year (2023 has 365 days)
HALF = 184 / 365.25        # 1 July to 31 December inclusive
TABLES = ("person", "observation_period", "visit_occurrence", "person_geography")
_ids = itertools.count(1)


def _person(pid, year, care_site, race=None):
    return dict(person_id=pid, gender_concept_id=8507, year_of_birth=year, month_of_birth=1, day_of_birth=1,
                race_concept_id=0, ethnicity_concept_id=0, care_site_id=care_site, race_source_value=race)


def _period(pid, start, end):
    return dict(observation_period_id=next(_ids), person_id=pid, observation_period_start_date=start,
                observation_period_end_date=end, period_type_concept_id=32817)


def _visit(pid, concept, when, admitted_from=None):
    return dict(visit_occurrence_id=next(_ids), person_id=pid, visit_concept_id=concept, visit_start_date=when,
                visit_end_date=when, visit_type_concept_id=32817, admitted_from_concept_id=admitted_from)


def _rows() -> dict[str, list[dict]]:
    """PCN A: four people aged 33 in mid-2023 (band 30-34), registered all year, three admissions each.
    PCN B: two people aged 73 (band 70-74); one registered all year with ten admissions, one from
    1 July with none. Visits that are not emergency admissions in 2023 must not count."""
    people = [_person(p, 1990, 1, race="8") for p in (1, 2, 3, 4)] + [_person(5, 1950, 2), _person(6, 1950, 2, "1")]
    periods = [_period(p, dt.date(2015, 1, 1), dt.date(2024, 6, 30)) for p in (1, 2, 3, 4, 5)]
    periods.append(_period(6, dt.date(YEAR, 7, 1), dt.date(2025, 1, 1)))
    day = dt.date(YEAR, 3, 1)
    visits = [_visit(p, 262, day + dt.timedelta(days=i)) for p in (1, 2, 3, 4) for i in range(3)]
    visits += [_visit(5, 262, day + dt.timedelta(days=i)) for i in range(9)]
    visits += [_visit(5, 9201, day, admitted_from=8870)]        # inpatient from the ER: emergency
    visits += [_visit(1, 9203, day), _visit(2, 9201, day),      # A&E only, elective: not counted
               _visit(3, 262, dt.date(YEAR - 1, 12, 31)), _visit(6, 262, dt.date(YEAR + 1, 1, 1))]
    return {
        "person": people, "observation_period": periods, "visit_occurrence": visits,
        "care_site_practice": [dict(care_site_id=1, practice_code="P1", pcn_code="A"),
                               dict(care_site_id=2, practice_code="P2", pcn_code="B")],
        "geo_practice": [dict(practice_code="P1", practice_name="One", pcn_code="A", pcn_name="PCN A",
                              sub_icb_code="04C", icb_code="QK1"),
                         dict(practice_code="P2", practice_name="Two", pcn_code="B", pcn_name="PCN B",
                              sub_icb_code="04C", icb_code="QK1")],
    }


@pytest.fixture(scope="module",
                params=["duckdb", pytest.param("pyspark", marks=[pytest.mark.spark, pytest.mark.xdist_group("spark")])])
def cdm(request) -> Cdm:
    con = connect(":memory:")
    for table, records in _rows().items():
        con.register("_rows", pd.DataFrame.from_records(records))
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _rows")
        con.unregister("_rows")
    if request.param == "duckdb":
        return Cdm(ibis.duckdb.from_connection(con))
    from pophealth.warehouse.engines import local_spark_session

    session = local_spark_session()
    for table in TABLES:
        session.createDataFrame(con.sql(f"SELECT * FROM {table}").to_arrow_table()).createOrReplaceTempView(table)
    return Cdm(ibis.pyspark.connect(session))


def _weight(band: str) -> float:
    return ESP2013[ESP2013_BANDS.index(band)]


def test_emergency_admission_dsr_by_pcn_by_hand(cdm):
    result = own_indicator(cdm, event("emergency-admissions"), level("pcn"), *year_window(YEAR))
    areas = result.areas.set_index("area_code")
    assert set(areas["area_name"]) == {"PCN A", "PCN B"}
    assert areas.loc["A", "events_count"] == 12 and areas.loc["B", "events_count"] == 10
    assert areas.loc["A", "person_years"] == pytest.approx(4 * FULL)
    assert areas.loc["B", "person_years"] == pytest.approx(FULL + HALF)
    # One band each, every other band empty: DSR = band rate x band weight / 100 000 x 100 000.
    assert areas.loc["A", "value"] == pytest.approx(12 / (4 * FULL) * _weight("30-34"))
    assert areas.loc["B", "value"] == pytest.approx(10 / (FULL + HALF) * _weight("70-74"))
    total = result.total.iloc[0]
    assert total["area_code"] == TOTAL_CODE and total["events_count"] == 22
    assert total["value"] == pytest.approx(12 / (4 * FULL) * _weight("30-34") + 10 / (FULL + HALF) * _weight("70-74"))


def test_limits_are_the_stats_engines_non_independent_dsr(cdm):
    """Person 5 has all ten of PCN B's admissions: the variance uses the sum of squared events per person."""
    result = own_indicator(cdm, event("emergency-admissions"), level("pcn"), *year_window(YEAR))
    b = result.areas.set_index("area_code").loc["B"]
    bands = pd.DataFrame({"count": 0.0, "pop": 0.0, "sq": 0.0, "stdpop": np.array(ESP2013, dtype=float)})
    i = ESP2013_BANDS.index("70-74")
    bands.loc[i, ["count", "pop", "sq"]] = [10.0, FULL + HALF, 100.0]
    bands = bands[bands["pop"] > 0].assign(stdpop=_weight("70-74"))
    # Reference-tested engine, applied to the one populated band with the whole standard as the total:
    direct = dsr(bands, events_squared="sq", multiplier=100_000 * _weight("70-74") / sum(ESP2013))
    for col in ("value", "lower95", "upper95", "lower998", "upper998"):
        assert b[col] == pytest.approx(direct[col].iloc[0], rel=1e-9), col
    assert b["label95"] in {"Worse", "Similar", "Better"}


def test_levels_group_people_differently(cdm):
    window = year_window(YEAR)
    by_ethnicity = own_indicator(cdm, event("emergency-admissions"), level("ethnic-group"), *window).areas
    assert set(by_ethnicity["area_name"]) == {"Asian or Asian British - Indian", "White - British", "Not recorded"}
    assert by_ethnicity["events_count"].sum() == 22


def test_fewer_than_ten_events_are_not_rated(cdm):
    window = (dt.date(YEAR, 3, 1), dt.date(YEAR, 3, 2))  # two days: 4 + 4 + 2 admissions in PCN A and B
    areas = own_indicator(cdm, event("emergency-admissions"), level("pcn"), *window).areas.set_index("area_code")
    assert np.isnan(areas.loc["A", "value"]) and "count < 10" in areas.loc["A", "flag"]
    assert areas.loc["A", "label95"] == "Not compared"
