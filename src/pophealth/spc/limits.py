"""Centre line and process limits of every segment at once (SPC.md section 3).

Sums go through ``np.bincount`` (a plain in-order sum), and limits are ``mean + 2.66 * MRbar`` in
doubles, so points lying exactly on the mean or a limit land on the same side as the reference.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pophealth.spc.options import INNER_MULTIPLIER, SCREEN_MULTIPLIER, SIGMA_MULTIPLIER


@dataclass(frozen=True)
class SegmentLimits:
    """One entry per segment."""

    mean: np.ndarray
    mr_bar: np.ndarray
    lpl: np.ndarray
    upl: np.ndarray
    inner_low: np.ndarray
    inner_high: np.ndarray


def _group_mean(groups: np.ndarray, values: np.ndarray, use: np.ndarray, n: int) -> np.ndarray:
    """Mean of ``values`` where ``use`` per group; NaN for a group with nothing to average."""
    total = np.bincount(groups, weights=np.where(use, values, 0.0), minlength=n)
    count = np.bincount(groups, weights=use.astype(np.float64), minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.where(count > 0, count, 1.0), np.nan)


def segment_limits(
    values: np.ndarray,
    segment: np.ndarray,
    position: np.ndarray,
    n_segments: int,
    fix_after: np.ndarray,
    screen: np.ndarray,
) -> SegmentLimits:
    """Limits per segment.

    ``fix_after`` (per row, 0 = not fixed) limits the baseline to the segment's first k rows,
    counting rows with missing values. ``screen`` (per row) drops moving ranges at or above
    3.267 x the unscreened average moving range before the final average is taken.
    """
    present = ~np.isnan(values)
    baseline = (fix_after == 0) | (position < fix_after)
    mean = _group_mean(segment, values, baseline & present, n_segments)

    prev = np.empty_like(values)
    prev[1:] = values[:-1]
    if prev.size:
        prev[0] = np.nan
    moving_range = np.abs(values - prev)
    has_range = baseline & (position >= 1) & ~np.isnan(moving_range)
    mr_bar0 = _group_mean(segment, moving_range, has_range, n_segments)
    with np.errstate(invalid="ignore"):
        kept = has_range & (~screen | (moving_range < SCREEN_MULTIPLIER * mr_bar0[segment]))
    mr_bar = _group_mean(segment, moving_range, kept, n_segments)

    return SegmentLimits(
        mean=mean,
        mr_bar=mr_bar,
        lpl=mean - SIGMA_MULTIPLIER * mr_bar,
        upl=mean + SIGMA_MULTIPLIER * mr_bar,
        inner_low=mean - INNER_MULTIPLIER * mr_bar,
        inner_high=mean + INNER_MULTIPLIER * mr_bar,
    )
