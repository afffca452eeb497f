"""Confidence-interval primitives (METHODS.md section 1), vectorised over arrays.

Each takes arrays and a confidence level and returns arrays; invalid positions are NaN.
The statistics modules decide which primitive applies (e.g. exact below 10 events).
"""

from __future__ import annotations

import numpy as np
from scipy import stats as sps

from pophealth.stats.confidence import tails, z_value


def wilson(x: np.ndarray, n: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score limits of a proportion x/n (x need not be whole)."""
    x = np.asarray(x, dtype=float)
    n = np.asarray(n, dtype=float)
    if level == 1:
        return np.zeros_like(x), np.ones_like(x)
    z = z_value(level)
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = 2 * x + z**2
        spread = z * np.sqrt(z**2 + 4 * x * (1 - x / n))
        denom = 2 * (n + z**2)
        lower = (centre - spread) / denom
        upper = (centre + spread) / denom
    lower = np.where(x == 0, 0.0, lower)
    upper = np.where(x == n, 1.0, upper)
    return lower, upper


def byars_lower(o: np.ndarray, level: float) -> np.ndarray:
    """Byar's lower limit of a Poisson count; NaN where the formula goes negative (as in R)."""
    o = np.asarray(o, dtype=float)
    z = z_value(level)
    with np.errstate(invalid="ignore", divide="ignore"):
        lower = o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3
    return np.where((o > 0) & (lower >= 0), lower, np.nan)


def byars_upper(o: np.ndarray, level: float) -> np.ndarray:
    """Byar's upper limit of a Poisson count."""
    o1 = np.asarray(o, dtype=float) + 1
    z = z_value(level)
    with np.errstate(invalid="ignore", divide="ignore"):
        return o1 * (1 - 1 / (9 * o1) + z / (3 * np.sqrt(o1))) ** 3


def exact_lower(o: np.ndarray, level: float) -> np.ndarray:
    """Exact (chi-square) lower limit of a Poisson count; 0 for a zero count."""
    o = np.asarray(o, dtype=float)
    low_tail, _ = tails(level)
    with np.errstate(invalid="ignore"):
        lower = sps.chi2.ppf(low_tail, 2 * o) / 2
    return np.where(o == 0, 0.0, lower)


def exact_upper(o: np.ndarray, level: float) -> np.ndarray:
    """Exact (chi-square) upper limit of a Poisson count."""
    o = np.asarray(o, dtype=float)
    _, high_tail = tails(level)
    with np.errstate(invalid="ignore"):
        return sps.chi2.ppf(high_tail, 2 * o + 2) / 2


def poisson_count_limits(o: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """The small-count switch (section 1.4): exact below 10 events, Byar's from 10."""
    o = np.asarray(o, dtype=float)
    small = o < 10
    lower = np.where(small, exact_lower(np.where(small, o, 0), level),
                     byars_lower(np.where(small, 10, o), level))
    upper = np.where(small, exact_upper(np.where(small, o, 0), level),
                     byars_upper(np.where(small, 10, o), level))
    missing = np.isnan(o)
    return np.where(missing, np.nan, lower), np.where(missing, np.nan, upper)


def poisson_method(o: np.ndarray) -> np.ndarray:
    """Label of the count interval used: ``Exact`` below 10 events, ``Byars`` from 10."""
    o = np.asarray(o, dtype=float)
    return np.where(np.isnan(o), None, np.where(o < 10, "Exact", "Byars")).astype(object)


def dobson(value: np.ndarray, var: np.ndarray, o: np.ndarray, multiplier: np.ndarray,
           level: float) -> tuple[np.ndarray, np.ndarray]:
    """Dobson limits of a weighted sum of Poisson counts from Byar's limits of the total."""
    o = np.asarray(o, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = np.sqrt(var / o) * multiplier
        lower = value + scale * (byars_lower(o, level) - o)
        upper = value + scale * (byars_upper(o, level) - o)
    return lower, upper
