"""Place profiles: the latest value of every indicator for a place, benchmarked against England.

Where the snapshot carries confidence limits the RAG is computed (Fingertips method 1, see
``benchmarking``) and checked against Fingertips' published comparison; where it has none, the
published comparison is shown as published and marked so.
"""

from __future__ import annotations

import math

import duckdb
import numpy as np
import pandas as pd

from pophealth.indicators.benchmarking import ENGINE_POLARITY, compare_rows, limits_for, published_outcome
from pophealth.indicators.metadata import IndicatorMeta, catalogue, fallback_meta
from pophealth.indicators.models import Profile, ProfileRow
from pophealth.indicators.recent_trend import KEYS, NOT_MARKED, method_for, published_trend, recent_trends
from pophealth.indicators.store import area_names, headline_rows, latest_for_area

SEX_ORDER = {"Persons": 0, "Male": 1, "Female": 2}


def _meta(frame: pd.DataFrame) -> list[IndicatorMeta]:
    cat = catalogue()
    return [cat.indicator(int(i)) or fallback_meta(int(i), n)
            for i, n in zip(frame["indicator_id"], frame["indicator_name"])]


def rag_frame(frame: pd.DataFrame, benchmark_col: str = "england_value") -> pd.DataFrame:
    """Add ``rag``, ``rag_basis``, ``published`` and ``agrees`` columns to rows with a benchmark value."""
    metas = _meta(frame)
    confidence = [m.confidence for m in metas]
    polarity = [m.polarity if m.benchmark != "none" else "not_compared" for m in metas]
    lower, upper = limits_for(frame, confidence)
    computed = compare_rows(frame, frame[benchmark_col], polarity, confidence)
    has_ci = (lower.notna() & upper.notna()).to_numpy()
    published = np.array([published_outcome(x) for x in frame["compared_to_england"]], dtype=object)
    out = frame.copy()
    out["rag"] = np.where(has_ci, computed, published)
    out["rag_basis"] = np.where(has_ci, "computed", "published")
    out["published"] = frame["compared_to_england"].fillna("")
    out["agrees"] = [bool(c == p) if h else None for c, p, h in zip(computed, published, has_ci)]
    return out


def trend_frame(frame: pd.DataFrame, series: pd.DataFrame) -> pd.DataFrame:
    """Add the computed recent ``trend`` of each row's series and whether it ``trend_agrees`` with
    the published "Recent Trend" (None where the export publishes none)."""
    metas = _meta(series)
    marked = recent_trends(series, [method_for(m) for m in metas],
                           [ENGINE_POLARITY[m.polarity] for m in metas])
    out = frame.merge(marked, on=KEYS, how="left")
    out["trend"] = out["trend"].fillna(NOT_MARKED)
    out["trend_points"] = out["trend_points"].fillna(0).astype(int)
    published = [published_trend(t) for t in out["recent_trend"]]
    out["trend_agrees"] = [None if not p else bool(t.lower() == p) for t, p in zip(out["trend"], published)]
    return out


def _num(x) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) or pd.isna(x) else float(x)


def build_profile(con: duckdb.DuckDBPyConnection, area_code: str) -> Profile:
    """The profile of one place or district (NotFoundError if it is not an LLR place)."""
    place = catalogue().place(area_code)
    frame = latest_for_area(con, area_code)
    rows: list[ProfileRow] = []
    if not frame.empty:
        frame = trend_frame(rag_frame(frame), headline_rows(con, area_code))
        order = {m.id: i for i, m in enumerate(catalogue().indicators)}
        frame["_o"] = [order.get(int(i), 10_000) for i in frame["indicator_id"]]
        frame["_s"] = [SEX_ORDER.get(s, 9) for s in frame["sex"]]
        frame = frame.sort_values(["_o", "indicator_id", "_s", "age"])
        for meta, r in zip(_meta(frame), frame.itertuples(index=False)):
            rows.append(ProfileRow(
                indicator_id=int(r.indicator_id), indicator=meta.short, sex=r.sex, age=r.age,
                period=r.time_period, value=_num(r.value), lower_ci95=_num(r.lower_ci95),
                upper_ci95=_num(r.upper_ci95), unit=meta.unit, decimals=meta.decimals,
                england_value=_num(r.england_value), rag=r.rag, rag_basis=r.rag_basis, published=r.published,
                agrees=r.agrees, polarity=meta.polarity, area_min=_num(r.area_min), area_max=_num(r.area_max),
                areas_compared=int(r.areas_compared or 0), value_note=r.value_note or "",
                recent_trend=r.recent_trend or "", trend=r.trend, trend_points=r.trend_points,
                trend_agrees=r.trend_agrees, source=r.source))
    name = area_names(con).get(area_code, place.name)
    return Profile(area_code=area_code, area_name=name, kind=place.kind, rows=rows,
                   sources=sorted({r.source for r in rows}))
