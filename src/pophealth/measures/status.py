"""A measure's status as at a reporting period, computed by the SPC engine.

This module only adapts: it charts the series with ``pophealth.spc.xmr`` (the measure's polarity
as the improvement direction, its target) and takes the RAG and the assurance icon a reader is
shown from ``pophealth.spc.status`` — the one documented rule (``docs/methods/spc.md``, "Status
(RAG) from the icons and target"). The only state added here is "no data": a measure that exists
but has no points. A pledge with no measure is "not yet measurable" and gets no status at all.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, Field, PrivateAttr

from pophealth.measures.series import MeasureSeries
from pophealth.spc import XmrResult, xmr
from pophealth.spc.icons import ASSURANCE_TEXT, VARIATION_TEXT
from pophealth.spc.status import status as spc_status
from pophealth.strategy.measures import Measure

Rag = Literal["red", "amber", "green", "not_rated", "no_data"]
RAG_TEXT = {"red": "Red", "amber": "Amber", "green": "Green", "not_rated": "Not rated", "no_data": "No data"}


class ChartPoint(BaseModel):
    label: str
    date: dt.date
    value: float
    mean: float | None
    lpl: float | None
    upl: float | None
    point_type: str  # common_cause, special_cause_improvement, special_cause_concern, ...


class RebaseNote(BaseModel):
    """An approved rebase of a measure (``pophealth.spc.rebase``), as stored in a snapshot."""

    point_date: dt.date
    approved_by: str
    reason: str


class AppliedRebase(RebaseNote):
    """A rebase as it applies to the chart: at the first point on or after its date."""

    at: dt.date  # the point's period start
    label: str


class MeasureStatus(BaseModel):
    measure_id: str
    state: Literal["ok", "not_loaded", "no_feed"]
    rag: Rag
    rag_text: str
    rag_reason: str | None = None
    latest_label: str | None = None
    latest_value: float | None = None
    variation_icon: str | None = None
    variation_text: str | None = None
    assurance_icon: str | None = None  # as shown: the status rule's, see pophealth.spc.status.Status
    assurance_text: str | None = None
    trial_limits: bool = False
    rebases: list[AppliedRebase] = Field(default_factory=list)
    points: list[ChartPoint] = Field(default_factory=list)
    _chart: XmrResult | None = PrivateAttr(default=None)

    @property
    def chart(self) -> XmrResult | None:
        """The engine's chart behind this status (not serialised: it is recomputed from the series)."""
        return self._chart


def _num(x: float) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def applied_rebases(series: MeasureSeries, rebases: Sequence[RebaseNote]) -> list[AppliedRebase]:
    """Each rebase at the first point on or after its date (April 2024 means the April point even if
    the date given was mid-month); one that reaches no point, or only the first, changes nothing."""
    starts = [p.period_start for p in series.points]
    applied: dict[int, AppliedRebase] = {}
    for r in sorted(rebases, key=lambda r: r.point_date):
        i = bisect.bisect_left(starts, r.point_date)
        if 0 < i < len(starts) and i not in applied:
            point = series.points[i]
            applied[i] = AppliedRebase(**r.model_dump(), at=point.period_start, label=point.label)
    return [applied[i] for i in sorted(applied)]


def assess(measure: Measure, series: MeasureSeries, rebases: Sequence[RebaseNote] = ()) -> MeasureStatus:
    """SPC icons and RAG for ``series`` (already cut to the reporting period), with the limits
    recalculated at its approved ``rebases``."""
    if not series.points:
        return MeasureStatus(measure_id=measure.id, state=series.state, rag="no_data", rag_text=RAG_TEXT["no_data"])
    target = measure.target.value if measure.target else None
    applied = applied_rebases(series, rebases)
    chart = xmr([p.value for p in series.points], [p.period_start for p in series.points],
                improvement=measure.improvement, target=target, rebase_points=[a.at for a in applied])
    verdict = spc_status(chart)
    points = [
        ChartPoint(label=p.label, date=p.period_start, value=p.value, mean=_num(row.mean), lpl=_num(row.lpl),
                   upl=_num(row.upl), point_type=str(row.point_type))
        for p, row in zip(series.points, chart.points.itertuples(index=False))
    ]
    last = series.points[-1]
    assurance = verdict.assurance_icon
    result = MeasureStatus(
        measure_id=measure.id, state="ok", rag=verdict.rag, rag_text=RAG_TEXT[verdict.rag],
        rag_reason=verdict.reason, latest_label=last.label, latest_value=last.value,
        variation_icon=chart.variation_icon, variation_text=VARIATION_TEXT[chart.variation_icon],
        assurance_icon=assurance, assurance_text=ASSURANCE_TEXT[assurance] if assurance else None,
        trial_limits=chart.trial_limits, rebases=applied, points=points)
    result._chart = chart
    return result
