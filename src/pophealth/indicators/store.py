"""Reading indicator values from the warehouse as tidy frames (headline rows unless asked)."""

from __future__ import annotations

import duckdb
import pandas as pd

from pophealth.disclosure.indicators import protect_indicator_values

ENGLAND = "E92000001"
SERIES_KEY = ["indicator_id", "sex", "age", "time_period"]

# Every reader returns rows after disclosure control (``pophealth.disclosure.indicators``): the pages, their
# JSON twins, the downloads and the microsite all read through here, so each figure is protected once and
# the same everywhere. Protection groups rows within one indicator and area (sexes and categories add up),
# so a reader may select whole areas, indicators, periods, ages or breakdowns, but must protect before it
# picks one sex.


def _public(con: duckdb.DuckDBPyConnection, where: str, params: list | dict, protect: bool = True) -> pd.DataFrame:
    rows = con.execute(f"SELECT * FROM indicator_value WHERE {where}", params).df()
    return protect_indicator_values(rows) if protect else rows


def latest_for_area(con: duckdb.DuckDBPyConnection, area_code: str, *, protect: bool = True) -> pd.DataFrame:
    """The most recent headline value of every indicator × sex × age for one area, with England's value and
    the range over the areas compared (all after disclosure control).

    ``protect=False`` only for a product that applies the same policy itself and marks what it withheld
    (the microsite's published tables); England's value and the range are protected either way."""
    rows = _public(con, "area_code = ? AND category_type = ''", [area_code], protect)
    if rows.empty:
        return rows.assign(england_value=pd.Series(dtype="float64"), area_min=pd.Series(dtype="float64"),
                           area_max=pd.Series(dtype="float64"), areas_compared=pd.Series(dtype="int64"))
    rows = rows.sort_values(["time_period_sortable", "time_period"], ascending=False, kind="stable")
    latest = rows.drop_duplicates(["indicator_id", "sex", "age"], keep="first").copy()
    ids = sorted({int(i) for i in latest["indicator_id"]})
    england = _public(con, "area_code = ? AND category_type = '' AND list_contains(?, indicator_id)", [ENGLAND, ids])
    england = england[england["category"].fillna("") == ""]
    latest = latest.merge(england[SERIES_KEY + ["value"]].rename(columns={"value": "england_value"}),
                          on=SERIES_KEY, how="left")
    others = _public(con, "category_type = '' AND area_code <> ? AND area_code NOT LIKE 'E12%' "
                          "AND list_contains(?, indicator_id)", [ENGLAND, ids])
    spread = (others.groupby(SERIES_KEY, dropna=False)["value"].agg(["min", "max", "count"])
              .rename(columns={"min": "area_min", "max": "area_max", "count": "areas_compared"}).reset_index())
    out = latest.merge(spread, on=SERIES_KEY, how="left")
    out["areas_compared"] = out["areas_compared"].fillna(0).astype("int64")
    return out.reset_index(drop=True)


def headline_rows(con: duckdb.DuckDBPyConnection, area_code: str) -> pd.DataFrame:
    """Every period of every headline indicator for one area (for its recent trends)."""
    rows = _public(con, "area_code = ? AND category_type = ''", [area_code])
    return rows.sort_values(["indicator_id", "sex", "age", "time_period_sortable"], kind="stable").reset_index(drop=True)


def series(con: duckdb.DuckDBPyConnection, indicator_id: int, area_codes: list[str], *,
           sex: str | None = None, age: str | None = None, headline: bool = True) -> pd.DataFrame:
    """Every period of one indicator for some areas, oldest first."""
    sql = ("indicator_id = ? AND list_contains(?, area_code)"
           + (" AND category_type = ''" if headline else " AND category_type <> ''")
           + (" AND age = ?" if age is not None else ""))
    params: list = [indicator_id, area_codes] + ([age] if age is not None else [])
    rows = _public(con, sql, params)  # protected with every sex, then one picked
    if sex is not None:
        rows = rows[rows["sex"] == sex]
    return rows.sort_values(["area_code", "sex", "age", "category_type", "category", "time_period_sortable",
                             "time_period"], kind="stable").reset_index(drop=True)


def indicator_rows(con: duckdb.DuckDBPyConnection, indicator_id: int, *, protect: bool = True) -> pd.DataFrame:
    """Every row of one indicator (all areas, breakdowns and periods); ``protect=False`` gives the rows as
    loaded, for statistics that are published only when every figure they use is published."""
    rows = _public(con, "indicator_id = ?", [indicator_id], protect)
    return rows.sort_values(["area_code", "sex", "age", "category_type", "category", "time_period_sortable"],
                            kind="stable").reset_index(drop=True)


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
