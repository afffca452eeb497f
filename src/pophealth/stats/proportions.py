"""Proportions with Wilson score limits (METHODS.md section 2; R ``phe_proportion``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from pophealth.stats._frame import add_limits, column, group_param, result
from pophealth.stats.grouping import first_flag, group_rows
from pophealth.stats.intervals import wilson


def proportion(df: pd.DataFrame, numerator: str = "numerator", denominator: str = "denominator",
               *, by: Sequence[str] | str | None = None, multiplier: float | str = 1,
               levels: Iterable[float] | str | None = None) -> pd.DataFrame:
    """Sum numerators and denominators within each group, then x/n with Wilson limits.

    A missing value anywhere in a group makes that group's result missing; invalid input
    (x < 0, n <= 0, x > n) gives the group NaN results and a ``flag`` saying why.
    """
    groups = group_rows(df, by)
    x_row, n_row = column(df, numerator), column(df, denominator)
    flag = first_flag(
        (groups.any(x_row < 0), "numerator < 0"),
        (groups.any(n_row <= 0), "denominator <= 0"),
        (groups.any(x_row > n_row), "numerator > denominator"),
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
        lower, upper = wilson(x, n, level)
        return lower * mult, upper * mult

    add_limits(out, levels, limits, valid)
    out["flag"] = flag
    return result(groups, out)
