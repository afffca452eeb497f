"""JHWS Figure 3 live: a county row is filled from the warehouse beside England; a row without one says so."""

from __future__ import annotations


from pophealth.indicators.jhws_figure import figure_rows
from pophealth.sources.fingertips_csv import Batch, load_batches, read_fingertips_csv
from pophealth.strategy import load_strategy
from pophealth.warehouse import connect

EXPORT = """Indicator ID,Indicator Name,Area Code,Area Name,Area Type,Sex,Age,Time period,Value,Compared to England value or percentiles,Recent Trend
92443,Smoking Prevalence in adults (18+) - current smokers (APS),E10000018,Leicestershire,County & UA,Persons,18+ yrs,2022,9.1,Similar,No significant change
92443,Smoking Prevalence in adults (18+) - current smokers (APS),E10000018,Leicestershire,County & UA,Persons,18+ yrs,2023,8.4,Better,Decreasing
92443,Smoking Prevalence in adults (18+) - current smokers (APS),E92000001,England,England,Persons,18+ yrs,2023,11.6,Not compared,
"""


def test_a_county_row_is_live_and_the_others_say_no_figure_is_held(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    frame, _ = read_fingertips_csv(EXPORT.encode(), name="export.csv")
    load_batches(con, [Batch(frame, "export.csv", None, "x")])
    rows = {r.id: r for r in figure_rows(con, load_strategy().jhws.indicators)}
    smoking = rows["smoking-prevalence-in-adults-18-current-smokers-aps"]
    assert (smoking.state, smoking.value, smoking.period, smoking.england_value) == ("live", 8.4, "2023", 11.6)
    assert (smoking.compared, smoking.trend, smoking.unit) == ("Better", "Decreasing", "%")
    fertility = rows["general-fertility-rate"]
    assert fertility.state == "not held here" and fertility.value is None and "53.5" in fertility.printed
    con.close()
