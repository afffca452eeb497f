"""Life expectancy at birth from deaths and person-years in 5-year bands, with its standard error.

An abridged life table (Chiang's method, half the interval lived by those who die in it; last band
open) as the calibration report needs it; the variance is Chiang's (as in the OHID life expectancy
tool): each band's q variance q^2(1-q)/D weighted by the squared years that band's survivors go on to
live, plus the open band's term l^2 var(m) / m^4.
"""

from __future__ import annotations

import numpy as np

WIDTH = 5.0


def _table(deaths: np.ndarray, years: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    m = np.divide(deaths, years, out=np.zeros_like(deaths, dtype=float), where=years > 0)
    q = np.minimum(WIDTH * m / (1 + WIDTH / 2 * m), 1.0)
    q[-1] = 1.0
    alive = np.concatenate([[1.0], np.cumprod(1 - q)[:-1]])
    lived = np.where(np.arange(q.size) < q.size - 1, WIDTH * (alive - alive * q / 2),
                     np.divide(alive, m, out=np.zeros_like(alive), where=m > 0))
    return m, q, alive, lived


def life_expectancy(deaths: np.ndarray, years: np.ndarray) -> float:
    """Life expectancy at birth (years)."""
    return float(_table(deaths, years)[3].sum())


def life_expectancy_se(deaths: np.ndarray, years: np.ndarray) -> float:
    """Standard error of ``life_expectancy`` (Chiang II)."""
    m, q, alive, lived = _table(deaths, years)
    remaining = np.cumsum(lived[::-1])[::-1]
    e_next = np.divide(np.append(remaining[1:], 0.0), np.append(alive[1:], 1.0),
                       out=np.zeros_like(alive), where=np.append(alive[1:], 1.0) > 0)
    var_q = np.divide(q ** 2 * (1 - q), deaths, out=np.zeros_like(q), where=deaths > 0)
    closed = (alive[:-1] ** 2 * (WIDTH / 2 + e_next[:-1]) ** 2 * var_q[:-1]).sum()
    last = 0.0
    if m[-1] > 0 and years[-1] > 0:
        last = alive[-1] ** 2 / m[-1] ** 4 * deaths[-1] / years[-1] ** 2
    return float(np.sqrt(closed + last))
