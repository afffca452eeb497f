"""Measure views as at a reporting period, shared by the measure pages and the pledge pages.

Kept apart from the page modules so that the strategy pages (pledge → its measures and their
status) and the measure pages build their rows the same way, without importing each other.
"""

from __future__ import annotations

from fastapi import Request
from pydantic import BaseModel

from pophealth.measures.series import MeasureSeries, read_series
from pophealth.measures.status import assess
from pophealth.measures.tracking import (MeasureEntry, NoDataYet, Tracking, assess_snapshot, take_snapshot,
                                         public_series)
from pophealth.measures.view import SYNTHETIC_TEXT, MeasureView, measure_view
from pophealth.web.pages import cached


class MeasureRow(BaseModel):
    view: MeasureView
    href: str
    pledges: list[int]


class PledgeProgress(BaseModel):
    """What a pledge page shows of its measures (also the body of ``/pledges/{n}/measures``)."""

    period: str | None
    measurable: bool  # False: "not yet measurable" - no measure defined, so no status
    rows: list[MeasureRow]
    synthetic_text: str | None
    href: str


# Measure data changes only when a load, a narrative edit or a rebase decision lands, while every pledge and measure
# page needs the whole tracking: keep it per (period, data version) instead of recomputing it.
_DATA_VERSION = """SELECT (SELECT count(*) || '/' || coalesce(max(loaded_at)::VARCHAR, '') FROM metric_observation),
                          (SELECT count(*) || '/' || coalesce(max(loaded_at)::VARCHAR, '') FROM indicator_value),
                          (SELECT count(*) || '/' || coalesce(max(created_at)::VARCHAR, '') FROM measure_narrative),
                          (SELECT count(*) FROM spc_rebase_decision), (SELECT count(*) FROM spc_rebase_withdrawal),
                          (SELECT count(*) FROM phm_run)"""


def _tracking(request: Request) -> Tracking | None:
    """The tracking as at ``?period=YYYY-MM`` (default latest); None when no measure has data."""
    strategy = request.app.state.strategy
    period = request.query_params.get("period") or None

    def build(con) -> Tracking | None:
        try:
            return assess_snapshot(take_snapshot(con, strategy, period))
        except NoDataYet:  # pages still list the catalogue, every measure "data not loaded"
            return None

    return cached(request, "measure_tracking", period, _DATA_VERSION, build, size=8,
                  admit=lambda value: period is None or is_real_period(value, period))


def measure_views(request: Request,
                  only: set[str] | None = None) -> tuple[str | None, dict[str, MeasureView], bool]:
    """Views of every measure (or of the ids in ``only``) as at the requested period."""
    period, views, synthetic = _all_views(request)
    if only is not None:
        views = {k: v for k, v in views.items() if k in only}
        synthetic = any(v.synthetic for v in views.values())
    return period, views, synthetic


def _all_views(request: Request) -> tuple[str | None, dict[str, MeasureView], bool]:
    """Every measure's view (charts rendered once per data version, not once per request)."""
    measures = request.app.state.strategy.measures
    tracking = _tracking(request)

    def build(con_) -> tuple[str | None, dict[str, MeasureView], bool]:
        if tracking is None:
            views = {}
            for m in measures:
                series = public_series(read_series(con_, m), m.unit) if con_ is not None else \
                    MeasureSeries(measure_id=m.id, state="not_loaded", note=m.data.note)
                views[m.id] = measure_view(MeasureEntry(measure=m, series=series, status=assess(m, series)))
            return None, views, False
        views = {m.id: measure_view(tracking.measures[m.id]) for m in measures}
        return tracking.period, views, any(v.synthetic for v in views.values())

    period = request.query_params.get("period") or None
    return cached(request, "measure_views", period, _DATA_VERSION, build, size=8,
                  admit=lambda _: period is None or is_real_period(tracking, period))


def is_real_period(tracking: Tracking | None, period: str) -> bool:
    """Whether some measure has a data point for ``period`` (a visitor's ``?period=`` may be anything)."""
    return tracking is not None and any(p.label == period for e in tracking.measures.values()
                                        for p in e.series.points)


def pledge_progress(request: Request, number: int) -> PledgeProgress:
    """A pledge's measures with their status and links; "not yet measurable" (no status) without any."""
    mine = [m for m in request.app.state.strategy.measures if number in m.pledges]
    period, views, synthetic = measure_views(request, {m.id for m in mine})
    rows = [MeasureRow(view=views[m.id], href=f"/measures/{m.id}", pledges=m.pledges) for m in mine]
    return PledgeProgress(period=period, measurable=bool(rows), rows=rows,
                          synthetic_text=SYNTHETIC_TEXT if synthetic else None,
                          href=f"/pledges/{number}/measures")


def slot_rows(request: Request, slots: list) -> list[MeasureRow]:
    """The catalogue measures a priority's measure slots link to, with their latest figure and status."""
    strategy = request.app.state.strategy
    ids = list(dict.fromkeys(sl.measure_id for sl in slots if sl.measure_id))
    if not ids:
        return []
    _period, views, _synthetic = measure_views(request, set(ids))
    return [MeasureRow(view=views[i], href=f"/measures/{i}", pledges=strategy.measure(i).pledges) for i in ids]
