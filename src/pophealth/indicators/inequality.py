"""Inequality series: an indicator's values by deprivation decile or quintile, with the SII line.

The slope index of inequality is the slope of a weighted least-squares line of value on the
relative deprivation rank (0 = most deprived, 1 = least deprived), each group placed at the
midpoint of its share of the population (METHODS.md section 8, point estimate). Weights are the
groups' denominators when the snapshot has them; otherwise equal shares are assumed (deprivation
deciles and quintiles are built to hold roughly equal numbers) and the page says so. Confidence
limits for the SII need the stats engine's simulation and the groups' standard errors.
"""

from __future__ import annotations

import re

import duckdb
import numpy as np

from pophealth.indicators.models import InequalityPoint, InequalitySeries
from pophealth.indicators.profile import _num
from pophealth.indicators.store import indicator_rows

_DEPRIVATION = re.compile(r"depriv", re.IGNORECASE)


_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
             "eighth": 8, "ninth": 9}


def deprivation_order(category: str) -> int:
    """Position of a deprivation group, most deprived first.

    Fingertips labels run "Most deprived decile", "Second most deprived decile", "Third more
    deprived decile", ..., "Fifth less deprived decile", ..., "Second least deprived decile",
    "Least deprived decile" (quintiles likewise, with "Average" or "Middle" in the centre);
    numbered groups ("1 - most deprived", "Decile 3") count from the most deprived.
    """
    words = re.findall(r"[a-z]+|\b\d{1,2}\b", re.sub(r"\(.*?\)", "", category.lower()))
    ordinal = next((_ORDINALS.get(w) or int(w) for w in words if w in _ORDINALS or w.isdigit()), 1)
    if "least" in words or "less" in words:
        return 1000 - ordinal
    if "most" in words or "more" in words:
        return ordinal
    if "average" in words or "middle" in words:
        return 500
    return ordinal


def fit_sii(values: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Rank midpoints, slope (SII) and intercept of the weighted line; groups ordered most deprived first."""
    share = weights / weights.sum()
    rank = np.cumsum(share) - share / 2
    w = share
    mean_x, mean_y = np.sum(w * rank), np.sum(w * values)
    slope = np.sum(w * (rank - mean_x) * (values - mean_y)) / np.sum(w * (rank - mean_x) ** 2)
    return rank, float(slope), float(mean_y - slope * mean_x)


def inequality_series(con: duckdb.DuckDBPyConnection, indicator_id: int) -> list[InequalitySeries]:
    """Every area × sex × age × period with deprivation groups for this indicator, latest period first."""
    frame = indicator_rows(con, indicator_id)
    frame = frame[frame["category_type"].map(lambda t: bool(_DEPRIVATION.search(t)))]
    out: list[InequalitySeries] = []
    for (area, ctype, sex, age, period), part in frame.groupby(
            ["area_code", "category_type", "sex", "age", "time_period"], sort=False):
        part = part.iloc[sorted(range(len(part)), key=lambda i: deprivation_order(part["category"].iloc[i]))]
        values = part["value"].to_numpy(dtype=float)
        denom = part["denominator"].to_numpy(dtype=float)
        use_denominators = bool(np.all(denom > 0))
        weights = denom if use_denominators else np.ones(len(part))
        ok = len(part) >= 2 and not np.isnan(values).any()
        rank, sii, intercept = fit_sii(values, weights) if ok else (np.cumsum(weights) / weights.sum(), None, None)
        out.append(InequalitySeries(
            area_code=area, area_name=str(part["area_name"].iloc[0]), category_type=ctype, sex=sex, age=age,
            period=period, sii=sii, intercept=intercept,
            weights="denominators" if use_denominators else "equal shares (the snapshot has no denominators)",
            points=[InequalityPoint(category=c, rank=float(r), value=_num(v), weight=float(w))
                    for c, r, v, w in zip(part["category"], rank, values, weights)]))
    sortable = {p: s for p, s in zip(frame["time_period"], frame["time_period_sortable"])}
    return sorted(out, key=lambda s: -int(sortable.get(s.period, 0)))
