"""Shared helpers for building a method's result frame: parameters, limits and flags."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from pophealth.stats.confidence import parse_levels, suffix
from pophealth.stats.grouping import Groups, first_flag


def group_param(df: pd.DataFrame, groups: Groups, value: float | str) -> np.ndarray:
    """A per-group parameter: a number for every group, or a column read on each group's first row."""
    if isinstance(value, str):
        if value not in df.columns:
            raise KeyError(f"column {value!r} not found")
        return groups.first(df[value].to_numpy(dtype=float))
    return np.full(groups.count, float(value))


def column(df: pd.DataFrame, name: str) -> np.ndarray:
    """A numeric column as float (missing = NaN), with a clear error when absent."""
    if name not in df.columns:
        raise KeyError(f"column {name!r} not found")
    return pd.to_numeric(df[name], errors="coerce").to_numpy(dtype=float)


def add_limits(out: dict[str, object], levels: Iterable[float] | str | None,
               limits: Callable[[float], tuple[np.ndarray, np.ndarray]],
               valid: np.ndarray, prefix: str = "") -> None:
    """Add ``lowerNN``/``upperNN`` columns for every level, NaN where ``valid`` is false."""
    for level in parse_levels(levels):
        lower, upper = limits(level)
        tag = suffix(level)
        out[f"{prefix}lower{tag}"] = np.where(valid, lower, np.nan)
        out[f"{prefix}upper{tag}"] = np.where(valid, upper, np.nan)


def result(groups: Groups, columns: dict[str, object]) -> pd.DataFrame:
    """Group keys followed by the computed columns."""
    frame = groups.keys.copy()
    for name, values in columns.items():
        frame[name] = values
    return frame


def ratio_of_sums(df: pd.DataFrame, groups: Groups, numerator: str, denominator: str,
                  multiplier: float | str, *, allow_above: bool
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict[str, object]]:
    """Sum x and n per group, flag invalid groups and compute x/n x multiplier.

    Returns x, n, multiplier, validity and the columns so far (with ``flag``). A missing
    value anywhere in a group makes the group missing (not flagged).
    """
    x_row, n_row = column(df, numerator), column(df, denominator)
    checks = [(groups.any(x_row < 0), "numerator < 0"),
              (groups.any(n_row <= 0), "denominator <= 0")]
    if not allow_above:
        checks.append((groups.any(x_row > n_row), "numerator > denominator"))
    flag = first_flag(*checks)
    missing = groups.any(np.isnan(x_row) | np.isnan(n_row))
    x, n = groups.sum(x_row), groups.sum(n_row)
    x[missing], n[missing] = np.nan, np.nan
    mult = group_param(df, groups, multiplier)
    valid = (flag == "") & ~missing
    with np.errstate(invalid="ignore", divide="ignore"):
        value = np.where(valid, x / n * mult, np.nan)
    return x, n, mult, valid, {"numerator": x, "denominator": n, "value": value, "flag": flag}
