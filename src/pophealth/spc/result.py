"""Typed results: one chart (``XmrResult``) and many charts at once (``XmrBatch``)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from pophealth.spc.options import SpcOptions

POINT_COLUMNS: tuple[str, ...] = (
    "date",
    "value",
    "rebase_group",
    "short_group_warning",
    "mean",
    "lpl",
    "upl",
    "outside_limits",
    "relative_to_mean",
    "close_to_limits",
    "special_cause_flag",
    "special_cause_type",
    "point_type",
    "type",
)
SERIES_COLUMNS: tuple[str, ...] = (
    "last_point_type",
    "variation_icon",
    "assurance_type",
    "assurance_icon",
)


@dataclass(frozen=True)
class XmrResult:
    """One XmR chart "as at" its latest point.

    ``points`` has one row per input row in date order with ``POINT_COLUMNS``; the chart-level
    fields follow the reference vocabulary (``assurance_type`` / ``assurance_icon`` are ``None``
    without a target or for a neutral measure).
    """

    options: SpcOptions
    points: pd.DataFrame
    last_point_type: str
    variation_icon: str
    assurance_type: str | None
    assurance_icon: str | None

    @property
    def limits_available(self) -> bool:
        """False when the latest segment has no usable limits (constant, or one value)."""
        if self.points.empty:
            return False
        last = self.points.iloc[-1]
        return not (math.isnan(last["lpl"]) or math.isnan(last["upl"]))

    @property
    def trial_limits(self) -> bool:
        """True when the latest segment is shorter than the warning threshold."""
        return bool(not self.points.empty and self.points["short_group_warning"].iloc[-1])


@dataclass(frozen=True)
class XmrBatch:
    """Many charts: ``points`` (``series_id`` + ``POINT_COLUMNS``) and ``series`` (one row each:
    ``series_id``, ``improvement``, ``target``, ``n_points`` + ``SERIES_COLUMNS``)."""

    points: pd.DataFrame
    series: pd.DataFrame
