"""Per-point indicators, the four special-cause rules and their precedence (SPC.md section 4).

All rules work on flat arrays of many series at once; windows never cross a segment because
every run is cut at ``starts`` (the first row of each segment).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pophealth.spc.runs import run_back, run_forward, run_through, shift_next, shift_prev

# Codes into options.SPECIAL_CAUSE_TYPES
COMMON, ABOVE_UCL, BELOW_LCL, TREND_UP, TREND_DOWN, TWO_IN_3_ABOVE, TWO_IN_3_BELOW = range(7)
SHIFT_ABOVE, SHIFT_BELOW = 7, 8
# Side of each label: +1 Above/Increasing, -1 Below/Decreasing, 0 common cause
LABEL_SIDE = np.array([0, 1, -1, 1, -1, 1, -1, 1, -1], dtype=np.int8)


@dataclass(frozen=True)
class Indicators:
    """Per row. ``relative`` is NaN where the value is missing."""

    outside: np.ndarray
    relative: np.ndarray
    close: np.ndarray


def indicators(
    values: np.ndarray,
    mean: np.ndarray,
    lpl: np.ndarray,
    upl: np.ndarray,
    inner_low: np.ndarray,
    inner_high: np.ndarray,
) -> Indicators:
    """Outside the limits, side of the mean, and inside the 2-to-3 sigma band (all strict)."""
    with np.errstate(invalid="ignore"):
        outside = (values > upl) | (values < lpl)
        close = ~outside & ((values > inner_high) | (values < inner_low))
        relative = np.sign(values - mean)
    relative = np.where(np.isnan(values), np.nan, relative)
    return Indicators(outside=outside, relative=relative, close=close)


def trend_membership(
    values: np.ndarray, starts: np.ndarray, trend_points: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(in a trend, direction of the trend at this point: +1 / -1 / 0).

    A trend is ``trend_points`` consecutive values each strictly above (or below) the one
    before. A point's direction is that of the step to the next point when the next point is
    also in a trend, else that of the step from the previous point: a shared peak is falling.
    """
    step = values - shift_prev(values, np.nan)
    with np.errstate(invalid="ignore"):
        up = (step > 0) & ~starts
        down = (step < 0) & ~starts
    need = trend_points - 1  # steps in a window
    in_up = run_back(up, starts) + shift_next(run_forward(up, starts), 0) * ~shift_next(starts, True)
    in_down = run_back(down, starts) + shift_next(run_forward(down, starts), 0) * ~shift_next(
        starts, True
    )
    trend = (in_up >= need) | (in_down >= need)

    step_sign = np.nan_to_num(np.sign(step)).astype(np.int8)
    prev_dir = np.where(starts, 0, step_sign)
    next_dir = shift_next(prev_dir, 0)  # sign(next - this); 0 at a segment end
    next_in_trend = shift_next(trend, False) & ~shift_next(starts, True)
    direction = np.where(next_in_trend & (next_dir != 0), next_dir, prev_dir)
    return trend, np.where(trend, direction, 0).astype(np.int8)


def two_in_three(relative: np.ndarray, close: np.ndarray, position: np.ndarray) -> np.ndarray:
    """Close points of any 3-point window with 2+ close points, all on one side of the mean."""
    r1, r2 = shift_prev(relative, np.nan), shift_prev(shift_prev(relative, np.nan), np.nan)
    c = close.astype(np.int8)
    n_close = c + shift_prev(c, 0) + shift_prev(shift_prev(c, 0), 0)
    window = (position >= 2) & (relative == r1) & (relative == r2) & (relative != 0) & (n_close >= 2)
    covered = window | shift_next(window, False) | shift_next(shift_next(window, False), False)
    return close & covered


def shift_membership(
    relative: np.ndarray, starts: np.ndarray, shift_points: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(in a run of ``shift_points``+ above the mean, ... below the mean); the mean breaks runs."""
    above = run_through(relative == 1, starts) >= shift_points
    below = run_through(relative == -1, starts) >= shift_points
    return above, below


def label(
    ind: Indicators,
    trend: np.ndarray,
    trend_direction: np.ndarray,
    two_of_three: np.ndarray,
    shift_above: np.ndarray,
    shift_below: np.ndarray,
) -> np.ndarray:
    """One label code per point: outside > trend > two-in-three > shift > common cause."""
    return np.select(
        [
            ind.outside & (ind.relative == 1),
            ind.outside,
            trend & (trend_direction > 0),
            trend,
            two_of_three & (ind.relative > 0),
            two_of_three,
            shift_above,
            shift_below,
        ],
        [ABOVE_UCL, BELOW_LCL, TREND_UP, TREND_DOWN, TWO_IN_3_ABOVE, TWO_IN_3_BELOW, SHIFT_ABOVE,
         SHIFT_BELOW],
        default=COMMON,
    ).astype(np.int8)


def point_type(labels: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """Codes into ``POINT_TYPES`` from the label's side and the improvement direction."""
    side = LABEL_SIDE[labels]
    favourable = side * direction
    neutral = np.where(side > 0, 3, 4)
    return np.select([side == 0, direction == 0, favourable > 0], [0, neutral, 1], default=2).astype(
        np.int8
    )
