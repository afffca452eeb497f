"""Performance measures for a risk score against a binary outcome, with seeded bootstrap intervals.

All measures take optional non-negative case weights, so a bootstrap resample is a vector of
counts over the original rows (no copying of the data) and the score order is sorted only once.
Methods: AUROC as the Mann-Whitney probability (ties count one half); calibration slope and
intercept from logistic recalibration on the logit of the predicted risk (Cox 1958; Van Calster
et al. 2019): the slope from ``logit(P(y)) = a + b * logit(p)``, the intercept ("calibration in the
large") from ``logit(P(y)) = a + logit(p)`` with the slope fixed at 1.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

EPS = 1e-9


def _weights(y: np.ndarray, w: np.ndarray | None) -> np.ndarray:
    return np.ones(len(y)) if w is None else np.asarray(w, dtype=float)


def auroc(y: np.ndarray, score: np.ndarray, w: np.ndarray | None = None) -> float:
    """Probability that a random event scores above a random non-event (ties count one half)."""
    y, score = np.asarray(y, dtype=bool), np.asarray(score, dtype=float)
    w = _weights(y, w)
    if len(y) == 0:
        return math.nan
    order = np.argsort(score, kind="mergesort")
    s, yy, ww = score[order], y[order], w[order]
    starts = np.r_[0, np.flatnonzero(np.diff(s)) + 1]
    pos = np.add.reduceat(ww * yy, starts)
    neg = np.add.reduceat(ww * ~yy, starts)
    below = np.cumsum(neg) - neg
    total_pos, total_neg = pos.sum(), neg.sum()
    if total_pos == 0 or total_neg == 0:
        return math.nan
    return float((pos * (below + neg / 2)).sum() / (total_pos * total_neg))


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(np.asarray(p, dtype=float), EPS, 1 - EPS)
    return np.log(p / (1 - p))


def _newton(X: np.ndarray, y: np.ndarray, w: np.ndarray, offset: np.ndarray, iters: int = 30) -> np.ndarray:
    """Weighted logistic regression coefficients by Newton-Raphson (X includes the intercept column)."""
    beta = np.zeros(X.shape[1])
    for _ in range(iters):
        eta = np.clip(offset + X @ beta, -30, 30)
        mu = 1 / (1 + np.exp(-eta))
        grad = X.T @ (w * (y - mu))
        hess = (X * (w * mu * (1 - mu))[:, None]).T @ X
        try:
            step = np.linalg.solve(hess, grad)
        except np.linalg.LinAlgError:
            return np.full(X.shape[1], math.nan)
        beta += step
        if np.max(np.abs(step)) < 1e-8:
            break
    return beta


def calibration_slope(y: np.ndarray, p: np.ndarray, w: np.ndarray | None = None) -> float:
    """Slope b of logit(P(y=1)) = a + b*logit(p): 1 is ideal, below 1 means predictions too extreme."""
    y = np.asarray(y, dtype=float)
    lp = _logit(p)
    X = np.column_stack([np.ones(len(y)), lp])
    return float(_newton(X, y, _weights(y, w), np.zeros(len(y)))[1])


def calibration_intercept(y: np.ndarray, p: np.ndarray, w: np.ndarray | None = None) -> float:
    """Intercept a of logit(P(y=1)) = a + logit(p): 0 is ideal, above 0 means risks under-predicted."""
    y = np.asarray(y, dtype=float)
    X = np.ones((len(y), 1))
    return float(_newton(X, y, _weights(y, w), _logit(p))[0])


def observed_expected(y: np.ndarray, p: np.ndarray, w: np.ndarray | None = None) -> float:
    """Observed events divided by the sum of predicted risks."""
    w = _weights(y, w)
    expected = float((w * np.asarray(p)).sum())
    return float((w * np.asarray(y)).sum()) / expected if expected > 0 else math.nan


def brier(y: np.ndarray, p: np.ndarray, w: np.ndarray | None = None) -> float:
    w = _weights(y, w)
    return float((w * (np.asarray(p) - np.asarray(y)) ** 2).sum() / w.sum())


def top_flags(score: np.ndarray, fraction: float, tiebreak: np.ndarray | None = None) -> np.ndarray:
    """The ``ceil(fraction * n)`` highest scores; equal scores are split by ``tiebreak`` (e.g. person_id)."""
    n = len(score)
    k = min(n, math.ceil(fraction * n))
    order = np.lexsort((np.arange(n) if tiebreak is None else tiebreak, -np.asarray(score, dtype=float)))
    flags = np.zeros(n, dtype=bool)
    flags[order[:k]] = True
    return flags


def ppv_capture(y: np.ndarray, flagged: np.ndarray, w: np.ndarray | None = None) -> tuple[float, float]:
    """Share of flagged people with the event (PPV), and share of people with the event who are flagged."""
    y, flagged = np.asarray(y, dtype=bool), np.asarray(flagged, dtype=bool)
    w = _weights(y, w)
    n_flag, n_event = (w * flagged).sum(), (w * y).sum()
    hit = (w * (flagged & y)).sum()
    return (float(hit / n_flag) if n_flag else math.nan, float(hit / n_event) if n_event else math.nan)


@dataclass(frozen=True)
class Estimate:
    value: float
    low: float
    high: float

    def as_dict(self) -> dict[str, float]:
        return {"value": self.value, "low": self.low, "high": self.high}


def bootstrap(stats: dict[str, Callable[[np.ndarray | None], float]], n: int, reps: int,
              seed: int) -> dict[str, Estimate]:
    """Point estimates and percentile 95% intervals from ``reps`` seeded resamples of the ``n`` rows.

    Each statistic takes case weights (None for the original sample). A resample is a multinomial
    count vector, the same as drawing rows with replacement, and every statistic sees the same
    resamples, so differences between statistics (model minus baseline) are paired.
    """
    values = {name: stat(None) for name, stat in stats.items()}
    draws: dict[str, list[float]] = {name: [] for name in stats}
    rng = np.random.default_rng(seed)
    for _ in range(max(reps, 0)):
        w = rng.multinomial(n, np.full(n, 1 / n)).astype(float)
        for name, stat in stats.items():
            draws[name].append(stat(w))
    out = {}
    for name, value in values.items():
        finite = np.array([d for d in draws[name] if math.isfinite(d)])
        if len(finite) == 0:
            out[name] = Estimate(value, math.nan, math.nan)
        else:
            low, high = np.percentile(finite, [2.5, 97.5])
            out[name] = Estimate(value, float(low), float(high))
    return out


def calibration_bins(y: np.ndarray, p: np.ndarray, bins: int = 10) -> list[dict[str, float]]:
    """Mean predicted and observed risk in equal-sized groups of predicted risk (deciles by default)."""
    order = np.argsort(np.asarray(p, dtype=float), kind="mergesort")
    out = []
    for i, idx in enumerate(np.array_split(order, bins), start=1):
        if len(idx):
            out.append({"bin": i, "n": int(len(idx)), "predicted": float(np.mean(p[idx])),
                        "observed": float(np.mean(y[idx]))})
    return out
