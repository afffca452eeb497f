"""Life expectancy: Chiang II abridged life table with the Silcocks variance for the open 90+
band (METHODS.md section 7; R ``phe_life_expectancy``, the PHE/OHID LE calculator).

All areas are stacked into one (areas x 20 bands) array, so the table is built with array
operations along the age axis and no loop over areas.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from pophealth.stats._frame import column
from pophealth.stats.confidence import parse_levels, suffix, z_value
from pophealth.stats.grouping import first_flag, group_rows

START_AGES = np.array([0, 1] + list(range(5, 95, 5)), dtype=float)
WIDTHS = np.array([1, 4] + [5] * 18, dtype=float)
SEPARATION = np.array([0.1] + [0.5] * 19)  # a_i: fraction of the band lived by those who die
BANDS = len(START_AGES)
MIN_TOTAL_POP = 5000
WIDE_CI = "95% CI wider than 20 years"


def life_table(deaths: np.ndarray, pops: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """LE and its standard error at every start age, for (areas x 20) arrays of valid input."""
    n, a = WIDTHS[:-1], SEPARATION[:-1]
    with np.errstate(invalid="ignore", divide="ignore"):
        m = deaths / pops
        q = np.ones_like(m)
        q[:, :-1] = n * m[:, :-1] / (1 + n * m[:, :-1] * (1 - a))
        q[:, :-1] = np.where(deaths[:, :-1] > pops[:, :-1] / (n * a), 1.0, q[:, :-1])
        l = np.empty_like(m)
        l[:, 0] = 100_000.0
        l[:, 1:] = 100_000.0 * np.cumprod(1 - q[:, :-1], axis=1)
        l_next = np.concatenate([l[:, 1:], np.zeros((len(l), 1))], axis=1)
        d = l - l_next
        big_l = np.empty_like(m)
        big_l[:, :-1] = n * (l_next[:, :-1] + a * d[:, :-1])
        big_l[:, -1] = l[:, -1] / m[:, -1]
        t = np.cumsum(big_l[:, ::-1], axis=1)[:, ::-1]
        e = np.where(l > 0, t / l, 0.0)
        s2 = np.empty_like(m)
        s2[:, :-1] = np.where(deaths[:, :-1] > 0, q[:, :-1] ** 2 * (1 - q[:, :-1]) / deaths[:, :-1],
                              0.0)
        s2[:, -1] = 4 / (deaths[:, -1] * m[:, -1] ** 2)
        w = np.empty_like(m)
        w[:, :-1] = s2[:, :-1] * l[:, :-1] ** 2 * ((1 - a) * n + e[:, 1:]) ** 2
        w[:, -1] = (l[:, -1] / 2) ** 2 * s2[:, -1]
        se = np.sqrt(np.cumsum(w[:, ::-1], axis=1)[:, ::-1]) / l
    return e, se


def life_expectancy(df: pd.DataFrame, deaths: str = "deaths", pop: str = "pop",
                    startage: str = "startage", *, by: Sequence[str] | str | None = None,
                    levels: Iterable[float] | str | None = None) -> pd.DataFrame:
    """LE at every start age for each area (one output row per input row).

    Whole areas are suppressed (all results NaN, ``flag`` says why) for negative deaths,
    a population <= 0, not exactly the 20 bands 0, 1, 5, ..., 90, deaths above population,
    total population <= 5 000 or no deaths at 90+. A value whose 95 % CI is wider than
    20 years is blanked but its limits kept, as the R package does.
    """
    groups = group_rows(df, by)
    ages = column(df, startage)
    order = np.lexsort((ages, groups.codes))
    codes = groups.codes[order]
    dth, pp, ages_sorted = column(df, deaths)[order], column(df, pop)[order], ages[order]
    size = groups.size()
    starts = np.concatenate([[0], np.cumsum(size)[:-1]])
    position = np.arange(len(order)) - starts[codes]
    band_ok = np.bincount(codes, weights=(position < BANDS)
                          & (ages_sorted == START_AGES[np.minimum(position, BANDS - 1)]),
                          minlength=groups.count) == BANDS
    full = band_ok & (size == BANDS)
    total_pop = groups.sum(column(df, pop))
    is90 = ages_sorted == 90
    flag = first_flag(
        (np.bincount(codes, weights=dth < 0, minlength=groups.count) > 0, "negative deaths"),
        (np.bincount(codes, weights=~(pp > 0), minlength=groups.count) > 0,
         "population <= 0 in an age band"),
        (~full, "not exactly 20 age bands"),
        (np.bincount(codes, weights=dth > pp, minlength=groups.count) > 0,
         "deaths > population in an age band"),
        (total_pop <= MIN_TOTAL_POP, "total population <= 5000"),
        (np.bincount(codes, weights=is90 & ~(dth > 0), minlength=groups.count) > 0,
         "no deaths at 90+"),
    )
    good = np.flatnonzero(flag == "")
    rows = np.isin(codes, good)
    shape = (len(good), BANDS)
    d_mat, p_mat = dth[rows].reshape(shape), pp[rows].reshape(shape)
    e, se = life_table(d_mat, p_mat)

    out = pd.DataFrame(index=np.arange(len(order)))
    out = pd.concat([groups.keys.iloc[codes].reset_index(drop=True), out], axis=1)
    out[startage] = ages_sorted
    out[deaths], out[pop] = dth, pp

    def spread(values: np.ndarray) -> np.ndarray:
        full_values = np.full(len(order), np.nan)
        full_values[rows] = values.ravel()
        return full_values

    wide = spread(z_value(0.95) * se > 10) == 1
    out["value"] = np.where(wide, np.nan, spread(e))
    for level in parse_levels(levels):
        z = z_value(level)
        out[f"lower{suffix(level)}"] = spread(e - z * se)
        out[f"upper{suffix(level)}"] = spread(e + z * se)
    out["pops_used"] = spread(np.cumsum(p_mat[:, ::-1], axis=1)[:, ::-1])
    out["dths_used"] = spread(np.cumsum(d_mat[:, ::-1], axis=1)[:, ::-1])
    row_flag = flag[codes]
    out["flag"] = np.where((row_flag == "") & wide, WIDE_CI, row_flag)
    return out.iloc[np.argsort(order)].reset_index(drop=True)
