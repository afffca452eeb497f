"""Directly standardised rates with Dobson limits (METHODS.md section 5; R ``calculate_dsr``).

Long input: one row per group and age band with events, population and the standard
population for that band. For non-independent events (one person, several events) pass
``events_squared`` = sum over persons of (events per person)^2 in the band; the variance
then follows section 5.1.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from pophealth.stats._frame import add_limits, column, group_param, result
from pophealth.stats.grouping import first_flag, group_rows
from pophealth.stats.intervals import dobson

SUPPRESSED = "dsr NA for total count < 10"


def dsr(df: pd.DataFrame, count: str = "count", pop: str = "pop", stdpop: str = "stdpop",
        *, by: Sequence[str] | str | None = None, multiplier: float | str = 100_000,
        levels: Iterable[float] | str | None = None,
        events_squared: str | None = None, empty_bands_rate_zero: bool = False) -> pd.DataFrame:
    """DSR per group; suppressed (value and limits NaN, totals kept) below 10 events.

    Missing band counts count as 0. A band population that is missing or <= 0, a missing
    or negative standard population, or a negative count flags that group only. With
    ``empty_bands_rate_zero`` a band with no population and no events (a small area with
    nobody of that age) adds 0 to the rate instead of flagging the group; the standard
    population keeps all its bands.
    """
    groups = group_rows(df, by)
    x = np.nan_to_num(column(df, count), nan=0.0)
    n, w = column(df, pop), column(df, stdpop)
    x2 = x if events_squared is None else np.nan_to_num(column(df, events_squared), nan=0.0)
    empty = (n == 0) & (x == 0) if empty_bands_rate_zero else np.zeros(len(n), dtype=bool)
    n = np.where(empty, np.inf, n)  # w / inf = 0: the band contributes nothing but its weight
    flag = first_flag(
        (groups.any(x < 0), "count < 0"),
        (groups.any(np.isnan(n) | (n <= 0)), "population missing or <= 0 in an age band"),
        (groups.any(np.isnan(w) | (w < 0)), "standard population missing or < 0"),
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = w / n
        total_w = groups.sum(w)
        o = groups.sum(x)
        mult = group_param(df, groups, multiplier)
        value = groups.sum(x * ratio) / total_w * mult
        var = groups.sum(x2 * ratio**2) / total_w**2
    ok = flag == ""
    flag = np.where(ok & (o < 10), SUPPRESSED, flag)
    valid = flag == ""
    out: dict[str, object] = {
        "total_count": o, "total_pop": groups.sum(np.where(empty, 0.0, n)),
        "value": np.where(valid, value, np.nan),
    }
    add_limits(out, levels, lambda level: dobson(value, var, o, mult, level), valid)
    out["flag"] = flag
    return result(groups, out)


def events_squared_from_frequencies(df: pd.DataFrame, columns: dict[int, str]) -> np.ndarray:
    """Per band, sum of f^2 x persons with f events, from columns {f: column name}."""
    total = np.zeros(len(df))
    for events, name in columns.items():
        total += events**2 * np.nan_to_num(column(df, name), nan=0.0)
    return total


def events_from_frequencies(df: pd.DataFrame, columns: dict[int, str]) -> np.ndarray:
    """Per band, total events = sum of f x persons with f events."""
    total = np.zeros(len(df))
    for events, name in columns.items():
        total += events * np.nan_to_num(column(df, name), nan=0.0)
    return total
