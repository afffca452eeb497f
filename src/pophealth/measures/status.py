"""A measure's status as at a reporting period: SPC variation and assurance icons, and the RAG.

The RAG follows the icons (Making Data Count: "the icons are the status"):

==============================  =========================================================
icons                           RAG
==============================  =========================================================
assurance: consistently fails   red
assurance: consistently passes  green (amber if the latest variation is a concern)
assurance: hit and miss         amber
no target                       amber on special-cause concern, green on improvement,
                                grey (not rated) on common cause or a neutral measure
no points                       "no data" (the measure exists but nothing is loaded)
==============================  =========================================================

A pledge with no measure in the catalogue is "not yet measurable" and gets no RAG at all.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Literal

from pydantic import BaseModel, Field

from pophealth.measures.series import MeasureSeries
from pophealth.spc import xmr
from pophealth.strategy.measures import Measure

Rag = Literal["red", "amber", "green", "grey", "no_data"]
RAG_TEXT = {"red": "Red", "amber": "Amber", "green": "Green", "grey": "Not rated (no target)",
            "no_data": "No data"}

VARIATION_TEXT = {
    "common_cause": "Common cause variation: no significant change",
    "improvement_high": "Special cause variation: improvement, higher values",
    "improvement_low": "Special cause variation: improvement, lower values",
    "concern_high": "Special cause variation: concern, higher values",
    "concern_low": "Special cause variation: concern, lower values",
    "neutral_high": "Special cause variation: higher values (neither improvement nor concern)",
    "neutral_low": "Special cause variation: lower values (neither improvement nor concern)",
}
ASSURANCE_TEXT = {
    "pass": "Assurance: the target is consistently met",
    "fail": "Assurance: the target is consistently missed",
    "inconsistent": "Assurance: hit and miss - the target may be met or missed by common cause variation",
}


class ChartPoint(BaseModel):
    label: str
    date: dt.date
    value: float
    mean: float | None
    lpl: float | None
    upl: float | None
    point_type: str  # common_cause, special_cause_improvement, special_cause_concern, ...


class MeasureStatus(BaseModel):
    measure_id: str
    state: Literal["ok", "not_loaded", "no_feed"]
    rag: Rag
    rag_text: str
    latest_label: str | None = None
    latest_value: float | None = None
    variation_icon: str | None = None
    variation_text: str | None = None
    assurance_icon: str | None = None
    assurance_text: str | None = None
    trial_limits: bool = False
    points: list[ChartPoint] = Field(default_factory=list)


def _num(x: float) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def rag_from_icons(variation: str, assurance: str | None, has_target: bool) -> Rag:
    """The RAG rule of the module docstring."""
    concern, improvement = variation.startswith("concern"), variation.startswith("improvement")
    if has_target and assurance:
        if assurance == "fail":
            return "red"
        if assurance == "pass":
            return "amber" if concern else "green"
        return "amber"
    if concern:
        return "amber"
    return "green" if improvement else "grey"


def assess(measure: Measure, series: MeasureSeries) -> MeasureStatus:
    """SPC and RAG for ``series`` (already cut to the reporting period)."""
    if not series.points:
        return MeasureStatus(measure_id=measure.id, state=series.state, rag="no_data", rag_text=RAG_TEXT["no_data"])
    target = measure.target.value if measure.target else None
    chart = xmr([p.value for p in series.points], [p.period_start for p in series.points],
                improvement=measure.improvement, target=target)
    points = [
        ChartPoint(label=p.label, date=p.period_start, value=p.value, mean=_num(row.mean), lpl=_num(row.lpl),
                   upl=_num(row.upl), point_type=str(row.point_type))
        for p, row in zip(series.points, chart.points.itertuples(index=False))
    ]
    assurance = chart.assurance_icon if target is not None and measure.polarity != "neutral" else None
    rag = rag_from_icons(chart.variation_icon, assurance, target is not None)
    last = series.points[-1]
    return MeasureStatus(
        measure_id=measure.id, state="ok", rag=rag, rag_text=RAG_TEXT[rag], latest_label=last.label,
        latest_value=last.value, variation_icon=chart.variation_icon,
        variation_text=VARIATION_TEXT.get(chart.variation_icon, chart.variation_icon),
        assurance_icon=assurance, assurance_text=ASSURANCE_TEXT.get(assurance) if assurance else None,
        trial_limits=chart.trial_limits, points=points)
