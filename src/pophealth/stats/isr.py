"""Indirectly standardised ratios and rates (METHODS.md section 6; R ``calculate_ISRatio/ISRate``).

Long input: one row per group and age band with local events (optional), local population,
reference events and reference population. An observed total supplied per group replaces
the sum of band counts (for when deaths by age are not available).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from pophealth.stats._frame import add_limits, column, group_param, result
from pophealth.stats.grouping import Groups, first_flag, group_rows
from pophealth.stats.intervals import poisson_count_limits, poisson_method


def _observed_expected(df: pd.DataFrame, groups: Groups, count: str, pop: str, refcount: str,
                       refpop: str, observed: str | None
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    x = column(df, count) if count in df.columns else np.full(len(df), np.nan)
    n, ref_x, ref_n = column(df, pop), column(df, refcount), column(df, refpop)
    # a missing reference count is no reference events in that band (PHEindicatormethods: NA -> 0), not a
    # reason to suppress the group
    ref_x = np.nan_to_num(ref_x, nan=0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        band_expected = np.where(n == 0, 0.0, ref_x / ref_n * n)
    expected = groups.sum(band_expected)
    o = groups.sum(x)
    if observed is not None and observed in df.columns:
        supplied = groups.first(column(df, observed))
        o = np.where(np.isnan(supplied), o, supplied)
    flag = first_flag(
        (groups.any(x < 0) | (o < 0), "count < 0"),
        (groups.any(n < 0), "population < 0"),
        (groups.any(ref_x < 0) | groups.any(ref_n < 0), "reference count or population < 0"),
        (groups.any(np.isnan(band_expected) & ~np.isnan(n)) | ~(expected > 0),
         "expected count is zero or undefined (check reference data)"),
    )
    return o, expected, flag


def _finish(groups: Groups, o: np.ndarray, expected: np.ndarray, scale: np.ndarray,
            flag: np.ndarray, levels: Iterable[float] | str | None,
            extra: dict[str, object]) -> pd.DataFrame:
    valid = flag == ""
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.where(valid, o / expected * scale, np.nan)
    out: dict[str, object] = {"observed": o, "expected": expected, **extra, "value": value}

    def limits(level: float) -> tuple[np.ndarray, np.ndarray]:
        lower, upper = poisson_count_limits(o, level)
        with np.errstate(invalid="ignore", divide="ignore"):
            return lower / expected * scale, upper / expected * scale

    add_limits(out, levels, limits, valid)
    out["method"] = np.where(valid, poisson_method(o), None)
    out["flag"] = flag
    return result(groups, out)


def isratio(df: pd.DataFrame, count: str = "count", pop: str = "pop",
            refcount: str = "refcount", refpop: str = "refpop", *,
            by: Sequence[str] | str | None = None, refvalue: float | str = 1,
            observed: str | None = "observed_total_supplied",
            levels: Iterable[float] | str | None = None) -> pd.DataFrame:
    """Observed / expected x refvalue (1 or 100), limits from the count interval of O."""
    groups = group_rows(df, by)
    o, expected, flag = _observed_expected(df, groups, count, pop, refcount, refpop, observed)
    scale = group_param(df, groups, refvalue)
    return _finish(groups, o, expected, scale, flag, levels, {})


def israte(df: pd.DataFrame, count: str = "count", pop: str = "pop",
           refcount: str = "refcount", refpop: str = "refpop", *,
           by: Sequence[str] | str | None = None, multiplier: float | str = 100_000,
           observed: str | None = "observed_total_supplied",
           levels: Iterable[float] | str | None = None) -> pd.DataFrame:
    """Observed / expected x the reference rate (sum refcount / sum refpop x multiplier)."""
    groups = group_rows(df, by)
    o, expected, flag = _observed_expected(df, groups, count, pop, refcount, refpop, observed)
    with np.errstate(invalid="ignore", divide="ignore"):
        ref_rate = (groups.sum(column(df, refcount)) / groups.sum(column(df, refpop))
                    * group_param(df, groups, multiplier))
    return _finish(groups, o, expected, ref_rate, flag, levels, {"ref_rate": ref_rate})
