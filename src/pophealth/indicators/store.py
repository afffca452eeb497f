"""Reading indicator values from the warehouse as tidy frames (headline rows unless asked)."""

from __future__ import annotations

import duckdb
import pandas as pd

ENGLAND = "E92000001"
LATEST = """
WITH ranked AS (
    SELECT *, row_number() OVER (PARTITION BY indicator_id, sex, age
                                 ORDER BY time_period_sortable DESC, time_period DESC) AS recency
    FROM indicator_value WHERE area_code = $area AND category_type = ''
)
SELECT r.*, e.value AS england_value,
       s.area_min, s.area_max, s.areas_compared
FROM ranked r
LEFT JOIN indicator_value e
  ON e.area_code = $england AND e.indicator_id = r.indicator_id AND e.sex = r.sex AND e.age = r.age
 AND e.time_period = r.time_period AND e.category_type = '' AND e.category = ''
LEFT JOIN (
    SELECT indicator_id, sex, age, time_period, min(value) AS area_min, max(value) AS area_max,
           count(value) AS areas_compared
    FROM indicator_value
    WHERE category_type = '' AND area_code <> $england AND area_code NOT LIKE 'E12%'
    GROUP BY ALL
) s ON s.indicator_id = r.indicator_id AND s.sex = r.sex AND s.age = r.age AND s.time_period = r.time_period
WHERE r.recency = 1
"""


def latest_for_area(con: duckdb.DuckDBPyConnection, area_code: str) -> pd.DataFrame:
    """The most recent headline value of every indicator × sex × age for one area, with England's value."""
    return con.execute(LATEST, {"area": area_code, "england": ENGLAND}).df()


def headline_rows(con: duckdb.DuckDBPyConnection, area_code: str) -> pd.DataFrame:
    """Every period of every headline indicator for one area (for its recent trends)."""
    return con.execute("SELECT * FROM indicator_value WHERE area_code = ? AND category_type = '' "
                       "ORDER BY indicator_id, sex, age, time_period_sortable", [area_code]).df()


def series(con: duckdb.DuckDBPyConnection, indicator_id: int, area_codes: list[str], *,
           sex: str | None = None, age: str | None = None, headline: bool = True) -> pd.DataFrame:
    """Every period of one indicator for some areas, oldest first."""
    sql = ("SELECT * FROM indicator_value WHERE indicator_id = ? AND list_contains(?, area_code)"
           + (" AND category_type = ''" if headline else " AND category_type <> ''")
           + (" AND sex = ?" if sex is not None else "") + (" AND age = ?" if age is not None else "")
           + " ORDER BY area_code, sex, age, category_type, category, time_period_sortable, time_period")
    params: list = [indicator_id, area_codes] + [p for p in (sex, age) if p is not None]
    return con.execute(sql, params).df()


def indicator_rows(con: duckdb.DuckDBPyConnection, indicator_id: int) -> pd.DataFrame:
    """Every row of one indicator (all areas, breakdowns and periods)."""
    return con.execute("SELECT * FROM indicator_value WHERE indicator_id = ? ORDER BY area_code, sex, age, "
                       "category_type, category, time_period_sortable", [indicator_id]).df()


def area_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("SELECT DISTINCT area_code, area_name FROM indicator_value").fetchall())


def provenance(con: duckdb.DuckDBPyConnection, sources: list[str]) -> str:
    """One sentence naming the files and snapshot dates a page's figures came from."""
    if not sources:
        return "No Fingertips data loaded."
    rows = con.execute("SELECT source, max(snapshot_date) FROM indicator_value WHERE list_contains(?, source) "
                       "GROUP BY source ORDER BY source", [sorted(set(sources))]).fetchall()
    parts = [f"{src} (snapshot {day:%d %B %Y})" if day else src for src, day in rows]
    return "OHID Fingertips, " + "; ".join(parts) + ". Open Government Licence v3.0."
