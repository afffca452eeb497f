"""JHWS Figure 3 live: each overview indicator for Leicestershire from the warehouse, beside England.

The strategy printed the figure once; this fills each row from the latest published value held for
the county (value, unit, period, England's value for the same period, the published comparison and
recent trend). A row with no county figure here says so and keeps the strategy's printed figure for
reference, labelled as such: nothing is carried forward as if it were current.
"""

from __future__ import annotations

import duckdb
from pydantic import BaseModel

from pophealth.indicators import store
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


def _latest(con: duckdb.DuckDBPyConnection, indicator_id: int, area: str, sex: str):
    """The latest published row, through the same disclosure protection as the place profiles."""
    rows = store.series(con, indicator_id, [area], sex=sex)
    rows = rows[rows["value"].notna()]
    return None if rows.empty else rows.iloc[-1]


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
        value, period = float(found["value"]), found["time_period"]
        compared, trend, source = (found[c] if isinstance(found[c], str) else None
                                   for c in ("compared_to_england", "recent_trend", "source"))
        england_rows = store.series(con, ind.indicator_id, [ENGLAND], sex=ind.sex)
        england_rows = england_rows[(england_rows["time_period"] == period) & england_rows["value"].notna()]
        england = (float(england_rows["value"].iloc[0]),) if len(england_rows) else None
        rows.append(FigureRow(id=ind.id, name=ind.name, indicator_id=ind.indicator_id, measure_id=ind.measure_id,
                              value=value, unit=units.get(ind.indicator_id, ind.unit or ""), period=period,
                              england_value=england[0] if england else None, compared=compared or None,
                              trend=trend or None, source=source, printed=printed, state="live"))
    return rows
