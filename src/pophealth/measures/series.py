"""A measure's series read from the warehouse: operational observations or Fingertips indicator values.

A series says honestly what state it is in: ``ok`` (points to show), ``not_loaded`` (a feed is
defined but nothing is in the warehouse) or ``no_feed`` (the catalogue defines no data source yet).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

import duckdb
from pydantic import BaseModel, Field

from pophealth.strategy.measures import Measure

INDICATOR_TABLE = "indicator_value"  # the Fingertips-shaped table written by the indicators importer


class Point(BaseModel):
    period_start: dt.date
    period_end: dt.date
    label: str  # as reported, e.g. "2023-10" or "2018 - 20"
    value: float


class MeasureSeries(BaseModel):
    measure_id: str
    state: Literal["ok", "not_loaded", "no_feed"]
    points: list[Point] = Field(default_factory=list)
    synthetic: bool = False
    sources: list[str] = Field(default_factory=list)
    loaded_at: str | None = None
    note: str | None = None

    def until(self, period_end: dt.date | None) -> MeasureSeries:
        """The series as it stood at the end of a reporting period: only periods already ended.

        A pooled period such as ``2023 - 25`` is not shown in a pack for October 2023.
        """
        if period_end is None:
            return self
        kept = [p for p in self.points if p.period_end <= period_end]
        return self.model_copy(update={"points": kept, "state": self.state if kept or self.state != "ok"
                                       else "not_loaded"})


def read_series(con: duckdb.DuckDBPyConnection, measure: Measure) -> MeasureSeries:
    data = measure.data
    if data.kind == "operational":
        return _operational(con, measure)
    if data.kind == "indicator" and data.indicator_id is not None:
        return _indicator(con, measure)
    return MeasureSeries(measure_id=measure.id, state="no_feed", note=data.note)


def _operational(con: duckdb.DuckDBPyConnection, m: Measure) -> MeasureSeries:
    d = m.data
    where, params = ["metric_id = ?"], [d.metric_id]
    if d.org_type:
        where.append("org_type = ?")
        params.append(d.org_type)
    if d.org_codes:
        where.append(f"org_code IN ({', '.join('?' * len(d.org_codes))})")
        params.extend(d.org_codes)
    rows = con.execute(
        f"""SELECT period_start, max(period_end), sum(numerator), sum(denominator), sum(value),
                   count(numerator) = count(*) AND count(denominator) = count(*),
                   bool_or(is_synthetic), list(DISTINCT source_file ORDER BY source_file),
                   strftime(max(loaded_at), '%Y-%m-%d %H:%M')
            FROM metric_observation WHERE {' AND '.join(where)}
            GROUP BY period_start ORDER BY period_start""", params).fetchall()
    points, sources, synthetic, loaded = [], set(), False, None
    for start, end, num, den, total, ratio, synth, files, loaded_at in rows:
        value = (num / den if den else None) if ratio else total
        if value is None:
            continue
        points.append(Point(period_start=start, period_end=end, label=start.strftime("%Y-%m"),
                            value=value * d.scale))
        sources.update(files)
        synthetic = synthetic or bool(synth)
        loaded = max(loaded or "", loaded_at or "") or None
    return MeasureSeries(measure_id=m.id, state="ok" if points else "not_loaded", points=points,
                         synthetic=synthetic, sources=sorted(sources), loaded_at=loaded, note=d.note)


def _indicator(con: duckdb.DuckDBPyConnection, m: Measure) -> MeasureSeries:
    d = m.data
    columns = {r[0] for r in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [INDICATOR_TABLE]).fetchall()}
    period_col = next((c for c in ("time_period", "period") if c in columns), None)
    needed = {"indicator_id", "area_code", "value"}
    if not columns or not period_col or not needed <= columns:
        return MeasureSeries(measure_id=m.id, state="not_loaded",
                             note=d.note or "Fingertips indicator data not loaded into the warehouse")
    sort_col = next((c for c in ("time_period_sortable", "period_sortable") if c in columns), period_col)
    where, params = ["indicator_id = ?", "area_code = ?", "value IS NOT NULL"], [d.indicator_id, d.area_code]
    if d.sex and "sex" in columns:
        where.append("sex = ?")
        params.append(d.sex)
    if "category_type" in columns:
        where.append("coalesce(category_type, '') = ''")
    rows = con.execute(f"SELECT DISTINCT {period_col}, {sort_col}, value FROM {INDICATOR_TABLE} "
                       f"WHERE {' AND '.join(where)} ORDER BY 2", params).fetchall()
    points = []
    for label, _sort, value in rows:
        start, end = period_bounds(str(label))
        points.append(Point(period_start=start, period_end=end, label=str(label), value=float(value)))
    return MeasureSeries(measure_id=m.id, state="ok" if points else "not_loaded", points=points,
                         sources=[f"Fingertips indicator {d.indicator_id}"], note=d.note)


def period_bounds(label: str) -> tuple[dt.date, dt.date]:
    """Fingertips time periods: ``2022``, ``2022/23``, ``2018 - 20``, ``2020/21 - 22/23`` → first and last day."""
    years = [int(y) for y in re.findall(r"\d{4}", label)]
    if not years:
        raise ValueError(f"not a Fingertips time period: {label!r}")
    first = years[0]
    short = re.findall(r"[-/ ](\d{2})(?!\d)", label)
    last = (first // 100 * 100 + int(short[-1])) if short else years[-1]
    if "/" in label:  # financial years run April to March
        return dt.date(first, 4, 1), dt.date(last if last > first else first + 1, 3, 31)
    return dt.date(first, 1, 1), dt.date(max(last, first), 12, 31)
