"""JHWS Figure 3 live: each overview indicator for Leicestershire from the warehouse, beside England.

The strategy printed the figure once; this fills each row from the latest published value held for
the county (value, unit, period, England's value for the same period, the published comparison and
recent trend). A row with no county figure here says so and keeps the strategy's printed figure for
reference, labelled as such: nothing is carried forward as if it were current.
"""

from __future__ import annotations

import duckdb
from pydantic import BaseModel

from pophealth.indicators.metadata import catalogue
from pophealth.strategy.models import JhwsIndicator

COUNTY = "E10000018"
ENGLAND = "E92000001"


class FigureRow(BaseModel):
    id: str
    name: str
    indicator_id: int | None
    measure_id: str | None
    value: float | None
    unit: str
    period: str | None
    england_value: float | None
    compared: str | None  # as OHID publishes it: Better, Similar, Worse, Higher, Lower
    trend: str | None
    source: str | None
    printed: str  # what the strategy printed, for reference
    state: str  # "live" or "not held here"


def _latest(con: duckdb.DuckDBPyConnection, indicator_id: int, area: str, sex: str) -> tuple | None:
    return con.execute("""SELECT value, time_period, compared_to_england, recent_trend, source FROM indicator_value
                          WHERE indicator_id = ? AND area_code = ? AND sex = ? AND category_type = ''
                            AND value IS NOT NULL
                          ORDER BY time_period_sortable DESC LIMIT 1""", [indicator_id, area, sex]).fetchone()


def figure_rows(con: duckdb.DuckDBPyConnection, indicators: list[JhwsIndicator], area: str = COUNTY) -> list[FigureRow]:
    units = {i.id: i.unit for i in catalogue().indicators}
    rows = []
    for ind in indicators:
        printed = " ".join(x for x in (ind.value, ind.unit, f"({ind.period})" if ind.period else None) if x)
        found = _latest(con, ind.indicator_id, area, ind.sex) if ind.indicator_id else None
        if found is None:
            rows.append(FigureRow(id=ind.id, name=ind.name, indicator_id=ind.indicator_id, measure_id=ind.measure_id,
                                  value=None, unit=ind.unit or "", period=None, england_value=None, compared=None,
                                  trend=None, source=None, printed=printed, state="not held here"))
            continue
        value, period, compared, trend, source = found
        england = con.execute("""SELECT value FROM indicator_value WHERE indicator_id = ? AND area_code = ?
                                 AND sex = ? AND time_period = ? AND category_type = ''""",
                              [ind.indicator_id, ENGLAND, ind.sex, period]).fetchone()
        rows.append(FigureRow(id=ind.id, name=ind.name, indicator_id=ind.indicator_id, measure_id=ind.measure_id,
                              value=value, unit=units.get(ind.indicator_id, ind.unit or ""), period=period,
                              england_value=england[0] if england else None, compared=compared or None,
                              trend=trend or None, source=source, printed=printed, state="live"))
    return rows
