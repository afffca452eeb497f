"""Crude rates: exact Poisson limits below 10 events, Byar's from 10 (METHODS.md section 3)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from pophealth.stats._frame import add_limits, column, ratio_of_sums, result
from pophealth.stats.grouping import group_rows
from pophealth.stats.intervals import poisson_count_limits, poisson_method


def crude_rate(df: pd.DataFrame, numerator: str = "numerator", denominator: str = "denominator",
               *, by: Sequence[str] | str | None = None, multiplier: float | str = 100_000,
               levels: Iterable[float] | str | None = None) -> pd.DataFrame:
    """Sum events and person-years within each group, then x/n x multiplier with count limits.

    A numerator above the denominator is allowed for rates (repeat events); negative
    numerators and non-positive denominators flag the group.
    """
    groups = group_rows(df, by)
    x, n, mult, valid, out = ratio_of_sums(df, groups, numerator, denominator, multiplier,
                                           allow_above=True)
    flag = out.pop("flag")

    def limits(level: float) -> tuple[np.ndarray, np.ndarray]:
        with np.errstate(invalid="ignore", divide="ignore"):
            lower, upper = poisson_count_limits(x, level)
            return lower / n * mult, upper / n * mult

    add_limits(out, levels, limits, valid)
    # PHEindicatormethods labels the interval from the numerator alone: with a missing denominator the value
    # is missing but a known count of 10 or more still reads "Byars" (below 10 "Exact")
    x_row = column(df, numerator)
    known = ~groups.any(np.isnan(x_row)) & (flag == "")
    label = np.where(known, poisson_method(np.where(known, groups.sum(np.nan_to_num(x_row)), np.nan)), None)
    out["method"] = np.where(valid, poisson_method(x), label)
    out["flag"] = flag
    return result(groups, out)
