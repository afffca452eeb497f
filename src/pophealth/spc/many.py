"""Many series from one long DataFrame: validation, sorting, rebase flags, and tidy output.

This is the hot path for board packs and the batch command: one pass of numpy over every row
(see ``core.compute``), with pandas only at the edges.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pophealth.errors import InputError, Problem
from pophealth.spc.core import PointArrays, SeriesArrays, compute
from pophealth.spc.options import (
    ASSURANCE_ICONS,
    ASSURANCE_TYPES,
    DIRECTION_SIGN,
    POINT_TYPE_GROUP,
    POINT_TYPES,
    SPECIAL_CAUSE_TYPES,
    VARIATION_ICONS,
    SpcOptions,
)
from pophealth.spc.result import XmrBatch

DEFAULT_OPTIONS = SpcOptions()


def xmr_many(
    data: pd.DataFrame,
    options: Mapping[Hashable, SpcOptions] | None = None,
    *,
    default: SpcOptions = DEFAULT_OPTIONS,
    series_col: str = "series_id",
    date_col: str = "date",
    value_col: str = "value",
    source: str = "points",
    first_row: int = 1,
) -> XmrBatch:
    """XmR charts for every series in a long frame (one row per series and date).

    ``options`` maps a series id to its options; series not in it use ``default``. Each series
    is computed on its own, so adding, removing or reordering other series changes nothing.
    Bad input raises ``InputError`` naming ``source``, the row and the column; rows are numbered
    from ``first_row`` (2 for a CSV file whose header is line 1).
    """
    _require_columns(data, (series_col, date_col, value_col), source)
    options = options or {}
    codes, keys = pd.factorize(data[series_col], sort=False)
    where = _Where(source, data, first_row)
    if (codes < 0).any():
        where.reject(codes < 0, series_col, "a series id is required")
    dates = _dates(data[date_col], where, date_col)
    values = _values(data[value_col], where, value_col)

    order = np.lexsort((dates, codes))
    codes, dates, values = codes[order], dates[order], values[order]
    dup = np.zeros(codes.size, dtype=bool)
    dup[1:] = (codes[1:] == codes[:-1]) & (dates[1:] == dates[:-1])
    if dup.any():
        rows = np.zeros(codes.size, dtype=bool)
        rows[order[dup]] = True
        where.reject(rows, date_col, "each date may appear once per series")

    per_series = [options.get(k, default) for k in keys]
    rebase = _rebase_flags(codes, dates, per_series)
    arrays = compute(codes, values, rebase, _series_arrays(per_series))
    return XmrBatch(
        points=_points_frame(series_col, keys, codes, dates, values, arrays),
        series=_series_frame(series_col, keys, codes, per_series, arrays),
    )


def _require_columns(data: pd.DataFrame, columns: tuple[str, ...], source: str) -> None:
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise InputError([Problem(source, f"missing column {c!r}", column=c) for c in missing])


@dataclass(frozen=True)
class _Where:
    """Where the input came from, to name file, row and column in an error."""

    source: str
    data: pd.DataFrame
    first_row: int

    def reject(self, bad: np.ndarray, column: str, message: str) -> None:
        raise InputError([
            Problem(self.source, f"{message} (found {self.data[column].iloc[r]!r})",
                    row=int(r) + self.first_row, column=column)
            for r in np.flatnonzero(bad)
        ])


def _dates(column: pd.Series, where: _Where, name: str) -> np.ndarray:
    parsed = pd.to_datetime(column, errors="coerce", format="ISO8601") if column.dtype == object else (
        pd.to_datetime(column, errors="coerce")
    )
    bad = parsed.isna().to_numpy()
    if bad.any():
        where.reject(bad, name, "expected a date like 2024-01-31")
    return parsed.to_numpy().astype("datetime64[D]")


def _values(column: pd.Series, where: _Where, name: str) -> np.ndarray:
    numeric = pd.to_numeric(column, errors="coerce")
    bad = (numeric.isna() & column.notna()).to_numpy()
    if column.dtype == object:
        bad &= column.astype(str).str.strip().ne("").to_numpy()
    if bad.any():
        where.reject(bad, name, "expected a number or empty for missing")
    out = numeric.to_numpy(dtype=np.float64, na_value=np.nan)
    if np.isinf(out).any():
        where.reject(np.isinf(out), name, "expected a finite number")
    return out


def _rebase_flags(codes: np.ndarray, dates: np.ndarray, per_series: list[SpcOptions]) -> np.ndarray:
    """True on rows whose date is exactly one of their series' rebase dates."""
    wanted = [(i, d) for i, o in enumerate(per_series) for d in o.rebase_dates]
    if not wanted:
        return np.zeros(codes.size, dtype=bool)
    keys = pd.MultiIndex.from_arrays(
        [np.array([w[0] for w in wanted]), np.array([w[1] for w in wanted], dtype="datetime64[D]")]
    )
    return pd.MultiIndex.from_arrays([codes, dates]).isin(keys)


def _series_arrays(per_series: list[SpcOptions]) -> SeriesArrays:
    def col(get, dtype):  # noqa: ANN001 - tiny local helper
        return np.fromiter((get(o) for o in per_series), dtype=dtype, count=len(per_series))

    return SeriesArrays(
        direction=col(lambda o: DIRECTION_SIGN[o.improvement], np.int8),
        target=col(lambda o: np.nan if o.target is None else o.target, np.float64),
        fix_after=col(lambda o: o.fix_after_n_points or 0, np.int64),
        screen=col(lambda o: o.screen_outliers, bool),
        shift_points=col(lambda o: o.shift_points, np.int64),
        trend_points=col(lambda o: o.trend_points, np.int64),
        warning_threshold=col(lambda o: o.warning_threshold, np.int64),
    )


def _categorical(codes: np.ndarray, names: tuple[str, ...]) -> pd.Categorical:
    return pd.Categorical.from_codes(codes, categories=list(names))


def _points_frame(
    series_col: str, keys: pd.Index, codes: np.ndarray, dates: np.ndarray, values: np.ndarray,
    a: PointArrays,
) -> pd.DataFrame:
    missing = np.isnan(values)
    no_limits = np.isnan(a.lpl)
    return pd.DataFrame(
        {
            series_col: keys.take(codes),
            "date": dates,
            "value": values,
            "rebase_group": a.rebase_group,
            "short_group_warning": a.short_group_warning,
            "mean": a.mean,
            "lpl": a.lpl,
            "upl": a.upl,
            "outside_limits": pd.arrays.BooleanArray(a.outside, missing | no_limits),
            "relative_to_mean": pd.arrays.IntegerArray(
                np.nan_to_num(a.relative).astype(np.int8), missing
            ),
            "close_to_limits": pd.arrays.BooleanArray(a.close, missing | no_limits),
            "special_cause_flag": a.label != 0,
            "special_cause_type": _categorical(a.label, SPECIAL_CAUSE_TYPES),
            "point_type": _categorical(a.point_type, POINT_TYPES),
            "type": _categorical(np.array([0, 1, 2, 0, 0], np.int8)[a.point_type], POINT_TYPE_GROUP[:3]),
        }
    )


def _series_frame(
    series_col: str, keys: pd.Index, codes: np.ndarray, per_series: list[SpcOptions], a: PointArrays
) -> pd.DataFrame:
    has = a.assurance != 0
    return pd.DataFrame(
        {
            series_col: keys,
            "improvement": [o.improvement for o in per_series],
            "target": [o.target for o in per_series],
            "n_points": np.bincount(codes, minlength=len(keys)),
            "last_point_type": _categorical(a.last_point_type, POINT_TYPES),
            "variation_icon": _categorical(a.variation_icon, VARIATION_ICONS),
            "assurance_type": np.where(has, np.array(ASSURANCE_TYPES, dtype=object)[a.assurance], None),
            "assurance_icon": np.where(has, np.array(ASSURANCE_ICONS, dtype=object)[a.assurance], None),
        }
    )
