"""Funnel-plot control limits along a 100-point axis (METHODS.md sections 10.1-10.3)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from pophealth.stats.funnels import TAILS, proportion_limits
from pophealth.stats.poisson_search import poisson_mean_limit

POINTS = 100


def _digits(value: float) -> int:
    return len(str(int(abs(value)))) if value >= 1 else 1


def floor_significant(value: float) -> float:
    """Round 0.95 x value down to its leading significant digit."""
    k = _digits(math.floor(0.95 * value)) - 1
    return math.floor(0.95 * value / 10**k) * 10**k


def ceiling_significant(value: float) -> float:
    """Round 1.05 x value up to its two leading significant digits."""
    k = _digits(math.ceil(1.05 * value)) - 2
    return math.ceil(1.05 * value / 10**k) * 10**k


def funnel_axis(min_den: float, max_den: float, statistic: str, *, years: float = 1,
                baseline_rate: float | None = None) -> np.ndarray:
    """The 100 axis points: denominators (proportions), expected events (ratios), events (rates)."""
    if statistic == "rate":
        min_den, max_den = min_den / years, max_den / years
    axis_min = 0.0 if max_den > 2 * min_den else floor_significant(min_den)
    axis_max = ceiling_significant(max_den)
    if statistic == "rate":
        if baseline_rate is None:
            raise ValueError("a rate axis needs the baseline rate")
        axis_min = math.floor(axis_min * years * baseline_rate)
        axis_max = math.ceil(axis_max * years * baseline_rate)
    offset = 1 if statistic == "ratio" else 0
    points = np.empty(POINTS)
    points[0] = max(1.0, axis_min)
    for j in range(2, POINTS + 1):  # each point depends on the previous: a short fixed loop
        previous = points[j - 2]
        step = (axis_max / previous) ** (1 / (101 - (j - offset))) * previous
        points[j - 1] = max(float(np.round(step)), previous + 1)
    return points


def proportion_funnel(axis: np.ndarray, p_bar: float, multiplier: float = 100) -> pd.DataFrame:
    """Limits at each population on the axis, scaled by the multiplier."""
    out = pd.DataFrame({"axis_value": axis})
    for name, tail in TAILS.items():
        lower, upper = proportion_limits(axis, p_bar, tail)
        out[f"lower_{name}_limit"] = lower * multiplier
        out[f"upper_{name}_limit"] = upper * multiplier
    out["baseline"] = p_bar * multiplier
    return out


def ratio_funnel(axis: np.ndarray, ratio_type: str = "count") -> pd.DataFrame:
    """Limits at each observed count: ``count`` reports limit - 1, ``isr`` limit x 100."""
    out = pd.DataFrame({"axis_value": axis})
    for name, tail in TAILS.items():
        e_high = poisson_mean_limit(axis, tail, "high")
        e_low = poisson_mean_limit(axis, tail, "low")
        lower, upper = axis / e_high, axis / e_low
        if ratio_type == "count":
            lower, upper = lower - 1, upper - 1
        elif ratio_type == "isr":
            lower, upper = lower * 100, upper * 100
        else:
            raise ValueError(f"ratio_type must be 'count' or 'isr', not {ratio_type!r}")
        out[f"lower_{name}_limit"], out[f"upper_{name}_limit"] = lower, upper
        out[f"lower_{name}_exp_events"], out[f"upper_{name}_exp_events"] = e_high, e_low
    return out


def rate_funnel(axis: np.ndarray, baseline_rate: float, multiplier: float,
                years: float = 1) -> pd.DataFrame:
    """Limits at each event count, with the one-year population each limit corresponds to."""
    out = pd.DataFrame({"axis_value": axis})
    for name, tail in TAILS.items():
        pop_lower = poisson_mean_limit(axis, tail, "high") / baseline_rate
        pop_upper = poisson_mean_limit(axis, tail, "low") / baseline_rate
        out[f"lower_{name}_limit"] = axis / pop_lower * multiplier
        out[f"upper_{name}_limit"] = axis / pop_upper * multiplier
        out[f"lower_{name}_population_1_year"] = pop_lower / years
        out[f"upper_{name}_population_1_year"] = pop_upper / years
    out["baseline"] = baseline_rate * multiplier
    return out
