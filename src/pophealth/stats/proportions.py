"""Proportions with Wilson score limits (METHODS.md section 2; R ``phe_proportion``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from pophealth.stats._frame import add_limits, ratio_of_sums, result
from pophealth.stats.grouping import group_rows
from pophealth.stats.intervals import wilson


def proportion(df: pd.DataFrame, numerator: str = "numerator", denominator: str = "denominator",
               *, by: Sequence[str] | str | None = None, multiplier: float | str = 1,
               levels: Iterable[float] | str | None = None) -> pd.DataFrame:
    """Sum numerators and denominators within each group, then x/n with Wilson limits.

    A missing value anywhere in a group makes that group's result missing; invalid input
    (x < 0, n <= 0, x > n) gives the group NaN results and a ``flag`` saying why.
    """
    groups = group_rows(df, by)
    x, n, mult, valid, out = ratio_of_sums(df, groups, numerator, denominator, multiplier,
                                           allow_above=False)
    flag = out.pop("flag")

    def limits(level: float) -> tuple[np.ndarray, np.ndarray]:
        lower, upper = wilson(x, n, level)
        return lower * mult, upper * mult

    add_limits(out, levels, limits, valid)
    out["flag"] = flag
    return result(groups, out)
