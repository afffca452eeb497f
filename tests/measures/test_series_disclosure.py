"""A measure shows an indicator value only where the place profile may: one disclosure protection for both."""

from __future__ import annotations

from pophealth.measures.series import read_series
from pophealth.sources.fingertips_csv import Batch, load_batches, read_fingertips_csv
from pophealth.strategy import load_strategy
from pophealth.warehouse import connect

EXPORT = """Indicator ID,Indicator Name,Area Code,Area Name,Area Type,Sex,Age,Time period,Value,Lower CI 95.0 limit,Upper CI 95.0 limit,Count,Denominator
41001,Suicide rate,E10000018,Leicestershire,County & UA,Male,10+ yrs,2015 - 17,13.1,10.8,15.8,115,894195
41001,Suicide rate,E06000017,Rutland,County & UA,Male,10+ yrs,2015 - 17,5.6,1.1,16.3,3,53910
41001,Suicide rate,E06000017,Rutland,County & UA,Female,10+ yrs,2015 - 17,,,,0,52000
"""


def test_a_rate_built_on_a_small_count_is_not_shown_on_the_measure(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    frame, _ = read_fingertips_csv(EXPORT.encode(), name="export.csv")
    load_batches(con, [Batch(frame, "export.csv", None, "x")])
    series = read_series(con, load_strategy().measure("suicide-rate"))
    assert [p.value for p in series.points] == [13.1]  # Leicestershire, 115 deaths: published
    assert series.points[0].numerator == 115  # rounded to the policy's base (115 is a multiple of 5)
    rutland = next(c for c in series.compare if c.org == "E06000017")
    assert rutland.points == []  # 3 deaths: the rate would give the count back, so no figure
    con.close()
