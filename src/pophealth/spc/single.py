"""One series: ``xmr(values, dates, ...)``, a thin wrapper over the many-series engine."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

import pandas as pd

from pophealth.errors import InputError, Problem
from pophealth.spc.many import xmr_many
from pophealth.spc.options import Improvement, SpcOptions
from pophealth.spc.result import POINT_COLUMNS, XmrResult


def xmr(
    values: Sequence[float | None],
    dates: Sequence[dt.date | str] | None = None,
    *,
    improvement: Improvement = "increase",
    target: float | None = None,
    rebase_points: Iterable[dt.date | str] = (),
    fix_after_n_points: int | None = None,
    screening: bool = True,
    shift_points: int = 7,
    trend_points: int = 7,
    warning_threshold: int = 13,
) -> XmrResult:
    """An XmR chart with Making Data Count rules, as NHSRplotthedots 0.2.2 computes it.

    ``dates`` default to consecutive days from 2000-01-01 (only their order matters);
    ``None``/NaN values are missing points. ``rebase_points`` are dates that start a new
    segment (a date matching no point is ignored). See ``docs/methods/spc.md``.
    """
    values = list(values)
    if dates is None:
        dates = list(pd.date_range("2000-01-01", periods=len(values), freq="D").date)
    dates = list(dates)
    if len(dates) != len(values):
        raise InputError(
            Problem("values", f"{len(values)} values but {len(dates)} dates; expected one date per value")
        )
    if not values:
        raise InputError(Problem("values", "an XmR chart needs at least one point"))
    options = SpcOptions(
        improvement=improvement,
        target=None if target is None else float(target),
        rebase_dates=tuple(pd.Timestamp(d).date() for d in rebase_points),
        fix_after_n_points=fix_after_n_points,
        screen_outliers=screening,
        shift_points=shift_points,
        trend_points=trend_points,
        warning_threshold=warning_threshold,
    )
    return xmr_with_options(pd.DataFrame({"date": dates, "value": values}), options)


def xmr_with_options(frame: pd.DataFrame, options: SpcOptions) -> XmrResult:
    """One series from a frame with ``date`` and ``value`` columns."""
    data = frame[["date", "value"]].assign(series_id=0)
    batch = xmr_many(data, {0: options}, source="values")
    summary = batch.series.iloc[0]
    return XmrResult(
        options=options,
        points=batch.points.loc[:, list(POINT_COLUMNS)].reset_index(drop=True),
        last_point_type=str(summary["last_point_type"]),
        variation_icon=str(summary["variation_icon"]),
        assurance_type=summary["assurance_type"],
        assurance_icon=summary["assurance_icon"],
    )
