"""Funnel-plot control limits and the significance of each area (METHODS.md section 10;
R ``calculate_funnel_limits`` and ``assign_funnel_significance``).

Two control-limit levels: "2s" (two-sided 95 %, tail 0.025) and "3s" (99.8 %, tail 0.001).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats as sps

from pophealth.stats.intervals import poisson_count_limits

TAILS = {"2s": 0.025, "3s": 0.001}
LEVELS = {"2s": 0.95, "3s": 0.998}
NOT_SIGNIFICANT = "Not significant"
DSR_TOO_FEW = "Not applicable for events less than 10 for dsrs"


def proportion_limits(n: np.ndarray, p_bar: float, tail: float
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper funnel limits (as proportions, 0-1) at denominators n."""
    n = np.asarray(n, dtype=float)
    z = sps.norm.ppf(1 - tail)
    k = n / z**2 + 1
    inv = 1 / z**2 + 1 / n
    with np.errstate(invalid="ignore"):
        d = np.sqrt((8 * p_bar * k) ** 2 - 64 * inv * p_bar
                    * (n * (p_bar * (n / z**2 + 2) - 1) + z**2 * (p_bar - 1)))
    lower = np.maximum((p_bar * k - d / 8) / inv / n, 0)
    upper = np.minimum((p_bar * k + d / 8) / inv / n, 1)
    return lower, upper


def _label(low_3s: np.ndarray, low_2s: np.ndarray, high_3s: np.ndarray,
           high_2s: np.ndarray) -> np.ndarray:
    return np.select([low_3s, low_2s, high_3s, high_2s],
                     ["Low (0.001)", "Low (0.025)", "High (0.001)", "High (0.025)"],
                     NOT_SIGNIFICANT).astype(object)


def proportion_significance(x: np.ndarray, n: np.ndarray, p_bar: float | np.ndarray
                            ) -> np.ndarray:
    """Each area's x/n against the funnel limits at its own denominator."""
    x, n = np.asarray(x, dtype=float), np.asarray(n, dtype=float)
    value = x / n
    lo2, hi2 = proportion_limits(n, p_bar, TAILS["2s"])
    lo3, hi3 = proportion_limits(n, p_bar, TAILS["3s"])
    out = _label(value < lo3, value < lo2, value > hi3, value > hi2)
    return np.where(np.isnan(value), None, out)


def _count_significance(o: np.ndarray, scale: np.ndarray, reference: float | np.ndarray
                        ) -> np.ndarray:
    """Reference value against the count interval of O divided by ``scale``."""
    lim = {}
    for name, level in LEVELS.items():
        lower, upper = poisson_count_limits(o, level)
        lim[name] = (np.where(o == 0, 0.0, lower) / scale, upper / scale)
    ref = np.asarray(reference, dtype=float)
    return _label(ref > lim["3s"][1], ref > lim["2s"][1], ref < lim["3s"][0], ref < lim["2s"][0])


def ratio_significance(observed: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """Observed/expected ratios tested against 1."""
    o, e = np.asarray(observed, dtype=float), np.asarray(expected, dtype=float)
    out = _count_significance(o, e, 1.0)
    return np.where(np.isnan(o) | np.isnan(e), None, out)


def derived_denominators(x: np.ndarray, rate: np.ndarray, multiplier: float, rate_type: str,
                         denominator: np.ndarray | None = None) -> np.ndarray:
    """Person-years behind each rate: multiplier x count / rate (crude: supplied when x = 0)."""
    x, rate = np.asarray(x, dtype=float), np.asarray(rate, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        derived = np.where(x == 0, np.nan, multiplier * x / rate)
    if rate_type == "crude" and denominator is not None:
        derived = np.where(x == 0, np.asarray(denominator, dtype=float), derived)
    return derived


def rate_baseline(x: np.ndarray, derived: np.ndarray) -> float:
    """Weighted average rate per person: sum of counts over sum of derived denominators."""
    keep = ~np.isnan(derived)
    return float(np.nansum(np.asarray(x, dtype=float)[keep]) / derived[keep].sum())


def rate_significance(x: np.ndarray, rate: np.ndarray, multiplier: float, rate_type: str,
                      denominator: np.ndarray | None = None,
                      baseline: float | None = None) -> np.ndarray:
    """Rates (DSR or crude) tested against the weighted average rate of all areas."""
    x = np.asarray(x, dtype=float)
    derived = derived_denominators(x, rate, multiplier, rate_type, denominator)
    r_bar = rate_baseline(x, derived) if baseline is None else baseline
    out = _count_significance(x, derived, r_bar)
    if rate_type == "dsr":
        out = np.where(x < 10, DSR_TOO_FEW, out)
    return np.where(np.isnan(x) | (np.isnan(derived) & (rate_type != "dsr")), None, out)


def funnel_significance(df: pd.DataFrame, statistic: str, numerator: str = "numerator",
                        denominator: str = "denominator", rate: str = "rate",
                        rate_type: str | None = None, multiplier: float | None = None,
                        comparator: float | None = None) -> pd.Series:
    """Significance label for every area of one data set (one statistic)."""
    x = pd.to_numeric(df[numerator], errors="coerce").to_numpy(dtype=float)
    den = (pd.to_numeric(df[denominator], errors="coerce").to_numpy(dtype=float)
           if denominator in df.columns else None)
    if statistic == "proportion":
        p_bar = comparator if comparator is not None else np.nansum(x) / np.nansum(den)
        labels = proportion_significance(x, den, p_bar)
    elif statistic == "ratio":
        labels = ratio_significance(x, den)
    elif statistic == "rate":
        if rate_type not in ("dsr", "crude") or multiplier is None:
            raise ValueError("rate significance needs rate_type 'dsr' or 'crude' and a multiplier")
        r = pd.to_numeric(df[rate], errors="coerce").to_numpy(dtype=float)
        labels = rate_significance(x, r, multiplier, rate_type, den, comparator)
    else:
        raise ValueError(f"statistic must be proportion, ratio or rate, not {statistic!r}")
    return pd.Series(labels, index=df.index, name="significance", dtype=object)
