"""Crude rates: exact Poisson limits below 10 events, Byar's from 10 (METHODS.md section 3)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from pophealth.stats._frame import add_limits, column, group_param, result
from pophealth.stats.grouping import first_flag, group_rows
from pophealth.stats.intervals import poisson_count_limits, poisson_method


def crude_rate(df: pd.DataFrame, numerator: str = "numerator", denominator: str = "denominator",
               *, by: Sequence[str] | str | None = None, multiplier: float | str = 100_000,
               levels: Iterable[float] | str | None = None) -> pd.DataFrame:
    """Sum events and person-years within each group, then x/n x multiplier with count limits.

    A numerator above the denominator is allowed for rates (repeat events); negative
    numerators and non-positive denominators flag the group.
    """
    groups = group_rows(df, by)
    x_row, n_row = column(df, numerator), column(df, denominator)
    flag = first_flag(
        (groups.any(x_row < 0), "numerator < 0"),
        (groups.any(n_row <= 0), "denominator <= 0"),
    )
    missing = groups.any(np.isnan(x_row) | np.isnan(n_row))
    x, n = groups.sum(x_row), groups.sum(n_row)
    x[missing], n[missing] = np.nan, np.nan
    mult = group_param(df, groups, multiplier)
    valid = (flag == "") & ~missing
    with np.errstate(invalid="ignore", divide="ignore"):
        out: dict[str, object] = {"numerator": x, "denominator": n,
                                  "value": np.where(valid, x / n * mult, np.nan)}

    def limits(level: float) -> tuple[np.ndarray, np.ndarray]:
        lower, upper = poisson_count_limits(x, level)
        return lower / n * mult, upper / n * mult

    add_limits(out, levels, limits, valid)
    out["method"] = np.where(valid, poisson_method(x), None)
    out["flag"] = flag
    return result(groups, out)
