"""Run lengths over many series at once: the building block of the shift and trend rules.

Every array is flat (all series, segment after segment). ``starts`` marks the first row of each
segment, so no run ever crosses from one segment (or series) into the next.
"""

from __future__ import annotations

import numpy as np


def run_back(flags: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Length of the run of True values ending at each row (0 where the row is False)."""
    idx = np.arange(flags.size)
    breaker = np.where(flags, np.where(starts, idx - 1, -1), idx)
    return np.where(flags, idx - np.maximum.accumulate(breaker), 0)


def run_forward(flags: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Length of the run of True values starting at each row (0 where the row is False)."""
    ends = np.empty_like(starts)
    ends[:-1] = starts[1:]
    if ends.size:
        ends[-1] = True
    return run_back(flags[::-1], ends[::-1])[::-1]


def run_through(flags: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Length of the whole run each True row belongs to (0 where the row is False)."""
    back = run_back(flags, starts)
    fwd = run_forward(flags, starts)
    return np.where(flags, back + fwd - 1, 0)


def shift_next(a: np.ndarray, fill: object) -> np.ndarray:
    """``a`` moved one row earlier (row i holds a[i+1]); the last row gets ``fill``."""
    out = np.empty_like(a)
    out[:-1] = a[1:]
    if out.size:
        out[-1] = fill
    return out


def shift_prev(a: np.ndarray, fill: object) -> np.ndarray:
    """``a`` moved one row later (row i holds a[i-1]); the first row gets ``fill``."""
    out = np.empty_like(a)
    out[1:] = a[:-1]
    if out.size:
        out[0] = fill
    return out
