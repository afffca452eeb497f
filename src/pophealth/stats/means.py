"""Means with Student-t limits (METHODS.md section 4; R ``phe_mean``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import stats as sps

from pophealth.stats._frame import add_limits, column, result
from pophealth.stats.confidence import tails
from pophealth.stats.grouping import group_rows


def mean(df: pd.DataFrame, value: str = "x", *, by: Sequence[str] | str | None = None,
         levels: Iterable[float] | str | None = None) -> pd.DataFrame:
    """Mean, sample standard deviation and t limits per group.

    As in R, ``n`` counts every row (missing ones too) and any missing value makes the
    group's sum, sd, mean and limits missing. One value gives no sd and no limits.
    Negative values are legitimate.
    """
    groups = group_rows(df, by)
    v = column(df, value)
    n = groups.size().astype(float)
    missing = groups.any(np.isnan(v))
    total = groups.sum(v)
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = total / n
        squares = groups.sum((v - groups.broadcast(centre)) ** 2)
        sd = np.sqrt(squares / (n - 1))
    sd = np.where(n > 1, sd, np.nan)
    for arr in (total, centre, sd):
        arr[missing] = np.nan
    out: dict[str, object] = {"n": n.astype(int), "sum": total, "sd": sd, "mean": centre}

    def limits(level: float) -> tuple[np.ndarray, np.ndarray]:
        with np.errstate(invalid="ignore", divide="ignore"):
            half = np.abs(sps.t.ppf(tails(level)[0], n - 1)) * sd / np.sqrt(n)
        return centre - half, centre + half

    add_limits(out, levels, limits, ~missing & (n > 1))
    out["flag"] = np.where(missing, "missing value in group", "")
    return result(groups, out)
