"""The XmR computation for many series at once, on flat numpy arrays (no per-point Python loop).

Rows arrive sorted by series then date. Per-series options are arrays indexed by series number;
they are spread to rows with one fancy-index each.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pophealth.spc.limits import segment_limits
from pophealth.spc.rules import (
    indicators,
    label,
    point_type,
    shift_membership,
    trend_membership,
    two_in_three,
)

# Codes into options.VARIATION_ICONS, indexed [point type code, direction + 1]
_VARIATION = np.array(
    [
        [0, 0, 0],  # common_cause
        [2, 0, 1],  # improvement: low for decrease, high for increase
        [3, 0, 4],  # concern: high for decrease, low for increase
        [0, 5, 0],  # neutral_high
        [0, 6, 0],  # neutral_low
    ],
    dtype=np.int8,
)


@dataclass(frozen=True)
class SeriesArrays:
    """Options of S series, one entry each (``target`` NaN = none, ``fix_after`` 0 = none)."""

    direction: np.ndarray  # +1 increase, -1 decrease, 0 neutral
    target: np.ndarray
    fix_after: np.ndarray
    screen: np.ndarray
    shift_points: np.ndarray
    trend_points: np.ndarray
    warning_threshold: np.ndarray


@dataclass(frozen=True)
class PointArrays:
    """Results per row (N rows) and per series (S series)."""

    rebase_group: np.ndarray
    short_group_warning: np.ndarray
    mean: np.ndarray
    lpl: np.ndarray
    upl: np.ndarray
    outside: np.ndarray
    relative: np.ndarray
    close: np.ndarray
    label: np.ndarray
    point_type: np.ndarray
    last_point_type: np.ndarray
    variation_icon: np.ndarray
    assurance: np.ndarray  # codes into ASSURANCE_TYPES / ASSURANCE_ICONS (0 = none)


def compute(
    series: np.ndarray, values: np.ndarray, rebase: np.ndarray, opts: SeriesArrays
) -> PointArrays:
    """Run every series. ``series`` holds 0..S-1 in non-decreasing order, one entry per row."""
    n = values.size
    idx = np.arange(n)
    series_start = np.ones(n, dtype=bool)
    series_start[1:] = series[1:] != series[:-1]
    starts = series_start | rebase
    segment = np.cumsum(starts) - 1
    first_row = np.flatnonzero(starts)
    position = idx - first_row[segment]
    seg_len = np.diff(np.append(first_row, n))

    rebase_count = np.cumsum(rebase)
    rebase_group = rebase_count - (rebase_count - rebase)[np.flatnonzero(series_start)][series]

    lim = segment_limits(
        values, segment, position, first_row.size, opts.fix_after[series], opts.screen[series]
    )
    mean, lpl, upl = lim.mean[segment], lim.lpl[segment], lim.upl[segment]
    ind = indicators(values, mean, lpl, upl, lim.inner_low[segment], lim.inner_high[segment])

    trend, trend_dir = trend_membership(values, starts, opts.trend_points[series])
    above, below = shift_membership(ind.relative, starts, opts.shift_points[series])
    codes = label(ind, trend, trend_dir, two_in_three(ind.relative, ind.close, position), above, below)
    types = point_type(codes, opts.direction[series])

    last = np.append(np.flatnonzero(series_start)[1:], n) - 1
    last_type = types[last]
    variation = _VARIATION[last_type, opts.direction + 1]
    assurance = _assurance(opts.target, opts.direction, lpl[last], upl[last])

    return PointArrays(
        rebase_group=rebase_group,
        short_group_warning=seg_len[segment] < opts.warning_threshold[series],
        mean=mean,
        lpl=lpl,
        upl=upl,
        outside=ind.outside,
        relative=ind.relative,
        close=ind.close,
        label=codes,
        point_type=types,
        last_point_type=last_type,
        variation_icon=variation,
        assurance=assurance,
    )


def _assurance(target: np.ndarray, direction: np.ndarray, lpl: np.ndarray, upl: np.ndarray) -> np.ndarray:
    """Target against the last row's limits, strict comparisons; 0 = no assurance (SPC.md 6)."""
    with np.errstate(invalid="ignore"):
        above, below = target > upl, target < lpl
    passing = np.where(direction > 0, below, above)
    failing = np.where(direction > 0, above, below)
    code = np.select([passing, failing], [1, 2], default=3)
    return np.where(np.isnan(target) | (direction == 0), 0, code).astype(np.int8)
