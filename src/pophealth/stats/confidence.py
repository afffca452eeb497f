"""Confidence levels: parsing, normal quantiles and the column suffix each level gets.

Levels are written as in the reference files (95, 99.8) or as fractions (0.95, 0.998);
values >= 90 are percentages, as in both official packages.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from scipy import stats as sps

DEFAULT_LEVELS: tuple[float, ...] = (0.95, 0.998)


def as_fraction(level: float | str) -> float:
    """0.95 and 95 both mean 95 %; reject anything outside 0.9-1 like the R package does."""
    value = float(level)
    if value >= 90:
        value = value / 100
    if not 0.9 <= value <= 1:
        raise ValueError(f"confidence level {level!r} is outside 0.9-1 (or 90-100)")
    return value


def parse_levels(levels: float | str | Iterable[float | str] | None) -> tuple[float, ...]:
    """Accept one level, a list, or a comma-separated string such as ``"0.95,0.998"``."""
    if levels is None:
        return DEFAULT_LEVELS
    if isinstance(levels, str):
        levels = [part for part in levels.replace(";", ",").split(",") if part.strip()]
    elif isinstance(levels, (int, float)):
        levels = [levels]
    return tuple(as_fraction(level) for level in levels)


def suffix(level: float) -> str:
    """Column suffix for a level: 0.95 -> ``95``, 0.998 -> ``998`` (as in the reference CSVs)."""
    return f"{as_fraction(level) * 100:.10g}".replace(".", "")


def z_value(level: float) -> float:
    """Two-sided normal quantile; exact, never 1.96 (the test vectors tell them apart)."""
    return float(sps.norm.ppf(level + (1 - level) / 2))


def tails(level: float) -> tuple[float, float]:
    """Lower and upper tail probabilities of a two-sided level."""
    return (1 - level) / 2, level + (1 - level) / 2


def as_float(values: object) -> np.ndarray:
    """A float array (missing values as NaN) from a column, list or scalar."""
    return np.asarray(values, dtype=float)
