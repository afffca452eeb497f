"""Exact Poisson mean limits by bisection, vectorised (METHODS.md section 10.2).

The official funnel and Fingertips SPC code search for the Poisson mean E whose tail
probability at the observed count equals p, over E = (1 + O) v / (1 - v) with v in (0, 1),
halving the step from 0.5 until it is at most 1e-7. Doing the same search (rather than a
closed-form chi-square quantile) keeps results equal to the official ones at the last digit
they publish; every observed value is searched at once.

The official code sums the Poisson series from 0 and stops once past the mean when a term
falls below 1e-10 of the running total; its probabilities are those of the truncated
series. Near the root that truncation decides the last bisection step, so
:func:`_series_bound` finds the same stopping point and the probabilities are normalised to it.
"""

from __future__ import annotations

import numpy as np
from scipy import stats as sps

STEP_LIMIT = 1e-7


def poisson_mean_limit(observed: np.ndarray, p: float, side: str) -> np.ndarray:
    """E with P(X >= O | E) = p (``side="low"``) or P(X <= O | E) = p (``side="high"``).

    O may be non-integer (Fingertips applies this to expected values): the low side sums
    from ceil(O), the high side up to floor(O).
    """
    if side not in ("low", "high"):
        raise ValueError(f"side must be 'low' or 'high', not {side!r}")
    o = np.asarray(observed, dtype=float)
    v = np.full(o.shape, 0.5)
    dv = 0.5
    while dv > STEP_LIMIT:
        dv /= 2
        mean = (1 + o) * v / (1 - v)
        last = _series_bound(mean)
        total = sps.poisson.cdf(last, mean)
        if side == "low":
            inside = sps.poisson.sf(np.ceil(o) - 1, mean) - sps.poisson.sf(last, mean)
            go_down = np.maximum(inside, 0) / total > p
        else:
            go_down = sps.poisson.cdf(np.minimum(np.floor(o), last), mean) / total < p
        v = np.where(go_down, v - dv, v + dv)
    return (1 + o) * v / (1 - v)


def _series_bound(mean: np.ndarray) -> np.ndarray:
    """Last term index the official series adds: it stops at the first k above the mean
    whose term is at most 1e-10 of the sum of the terms before it."""
    def stops(k: np.ndarray) -> np.ndarray:
        return sps.poisson.pmf(k, mean) <= 1e-10 * sps.poisson.cdf(k - 1, mean)

    lo = np.floor(mean) + 1  # first candidate (k must exceed the mean)
    hi = lo + np.ceil(12 * np.sqrt(mean + 1) + 40)
    done = stops(lo)
    lo_search, hi_search = lo.copy(), hi
    while np.any(hi_search - lo_search > 1):  # binary search: the condition is monotone here
        mid = np.floor((lo_search + hi_search) / 2)
        ok = stops(mid)
        hi_search = np.where(ok, mid, hi_search)
        lo_search = np.where(ok, lo_search, mid)
    first_stop = np.where(done, lo, hi_search)
    return first_stop - 1
