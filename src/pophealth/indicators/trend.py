"""Trends: every period of an indicator for an area, with its 95% limits and England's value."""

from __future__ import annotations

import duckdb

from pophealth.indicators.models import Trend, TrendPoint
from pophealth.indicators.profile import SEX_ORDER, _num
from pophealth.indicators.store import ENGLAND, series


def trends(con: duckdb.DuckDBPyConnection, indicator_id: int, area_code: str) -> list[Trend]:
    """One trend per sex × age the area has for this indicator."""
    frame = series(con, indicator_id, [area_code, ENGLAND])
    local = frame[frame["area_code"] == area_code]
    england = {(r.sex, r.age, r.time_period): _num(r.value)
               for r in frame[frame["area_code"] == ENGLAND].itertuples(index=False)}
    out = []
    keys = sorted({(r.sex, r.age) for r in local.itertuples(index=False)}, key=lambda k: (SEX_ORDER.get(k[0], 9), k[1]))
    for sex, age in keys:
        part = local[(local["sex"] == sex) & (local["age"] == age)].sort_values("time_period_sortable")
        points = [TrendPoint(period=r.time_period, sortable=int(r.time_period_sortable), value=_num(r.value),
                             lower_ci95=_num(r.lower_ci95), upper_ci95=_num(r.upper_ci95),
                             england_value=england.get((sex, age, r.time_period)))
                  for r in part.itertuples(index=False)]
        out.append(Trend(area_code=area_code, area_name=str(part["area_name"].iloc[0]), sex=sex, age=age,
                         points=points))
    return out
