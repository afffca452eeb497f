"""Everything a board sees for one reporting period, as one typed object that can be snapshotted.

``take_snapshot`` reads the warehouse (catalogue measures, their series, their narratives) into a
``Snapshot``; ``assess_snapshot`` turns a snapshot into ``Tracking`` (SPC status per measure and
measures per pledge) without touching the warehouse, so a board pack rebuilt from its snapshot
file shows exactly the same figures.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

import duckdb
from pydantic import BaseModel, Field

from pophealth.disclosure import DisclosurePolicy, current_policy
from pophealth.errors import ConfigError
from pophealth.measures import narrative
from pophealth.measures.narrative import NarrativeVersion
from pophealth.measures.series import MeasureSeries, read_series
from pophealth.measures.status import MeasureStatus, RebaseNote, assess
from pophealth.spc.rebase import rebases_in_effect
from pophealth.strategy.measures import Measure
from pophealth.strategy.models import Strategy

SNAPSHOT_VERSION = 1
_PERIOD = re.compile(r"^(\d{4})-(\d{2})$")


class NoDataYet(ConfigError):
    """No measure has any data, so there is no latest reporting period."""


class PledgeRef(BaseModel):
    number: int
    id: str
    text: str
    emphasis: str
    group: str


class Snapshot(BaseModel):
    """The data a pack used: enough to rebuild it without the warehouse."""

    version: int = SNAPSHOT_VERSION
    period: str
    taken_at: dt.datetime
    strategy_name: str
    pledges: list[PledgeRef]
    measures: list[Measure]
    series: dict[str, MeasureSeries]
    narratives: dict[str, NarrativeVersion | None]
    rebases: dict[str, list[RebaseNote]] = Field(default_factory=dict)  # approved, not withdrawn


class MeasureEntry(BaseModel):
    measure: Measure
    series: MeasureSeries
    status: MeasureStatus
    narrative: NarrativeVersion | None = None


class PledgeEntry(BaseModel):
    pledge: PledgeRef
    measurable: bool  # False: "not yet measurable" - no measure defined, so no status
    measure_ids: list[str] = Field(default_factory=list)


class Tracking(BaseModel):
    period: str
    taken_at: dt.datetime
    strategy_name: str
    measures: dict[str, MeasureEntry]
    pledges: list[PledgeEntry]
    other_measure_ids: list[str]  # measures of priorities that belong to no pledge

    @property
    def synthetic(self) -> bool:
        return any(e.series.synthetic for e in self.measures.values())


def period_end(period: str) -> dt.date:
    """Last day of a monthly reporting period ``YYYY-MM``."""
    match = _PERIOD.match(period)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ConfigError(f"reporting period must look like 2023-10 (year-month), not {period!r}")
    year, month = int(match.group(1)), int(match.group(2))
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def latest_period(series: list[MeasureSeries]) -> str:
    """The latest month any monthly series reaches (the default reporting period)."""
    starts = [p.period_start for s in series for p in s.points if (p.period_end - p.period_start).days < 32]
    if not starts:
        starts = [p.period_end for s in series for p in s.points]
    if not starts:
        raise NoDataYet("No measure has any data yet", hint="load data first, e.g. `pophealth demo --no-serve`")
    return max(starts).strftime("%Y-%m")


DEMO_WITHHELD = ("Computed on the synthetic demonstration population, so not shown here: the figure appears "
                 "once the engine runs on practices' records.")


def withhold_demo(series: MeasureSeries) -> MeasureSeries:
    """The series as boards and the public may see it: figures from a demonstration population removed."""
    if not series.demo:
        return series
    return series.model_copy(update={"points": [], "compare": [], "state": "not_loaded", "note": DEMO_WITHHELD,
                                     "sources": [], "lineage": []})


def withhold_out_of_date(series: MeasureSeries) -> MeasureSeries:
    """The series without figures computed on records the warehouse no longer holds: shown as current they
    would describe another population (a replaced or corrected extract). They return with the next run."""
    if not series.out_of_date:
        return series
    return series.model_copy(update={"points": [], "compare": [], "state": "not_loaded", "note": series.out_of_date,
                                     "sources": [], "lineage": []})


def protect_counts(series: MeasureSeries, unit: str, policy: DisclosurePolicy | None = None) -> MeasureSeries:
    """A count measure as it may leave the secure zone: the disclosure policy applied to every figure.

    Counts are rounded to the policy's base and a count of 1 to the policy's maximum is not shown at
    all (its point leaves the chart), so the measure page, the board pack and the microsite publish
    the same protected figure. Rates and percentages are published as their publishers publish them.
    """
    if unit != "count":
        return series
    policy = policy or current_policy()

    def protect(s: MeasureSeries) -> MeasureSeries:
        kept = [p.model_copy(update={"value": float(policy.round(p.value)), "numerator": None, "denominator": None})
                for p in s.points if not policy.is_small(p.value)]
        note = s.note
        if len(kept) < len(s.points):
            note = ((note + " ") if note else "") + (f"Counts of 1 to {policy.largest_withheld} are not shown, and "
                                                     f"counts are rounded to the nearest {policy.rounding_base}.")
        return s.model_copy(update={"points": kept, "note": note,
                                    "state": s.state if kept or s.state != "ok" else "not_loaded"})

    return protect(series).model_copy(update={"compare": [protect(c) for c in series.compare]})


def public_series(series: MeasureSeries, unit: str) -> MeasureSeries:
    """A series as boards, the web pages and the public see it: no demonstration figures, no figures of a
    population no longer held, counts protected."""
    return protect_counts(withhold_out_of_date(withhold_demo(series)), unit)


def take_snapshot(con: duckdb.DuckDBPyConnection, strategy: Strategy, period: str | None = None, *,
                  include_demo: bool = False) -> Snapshot:
    """What the measures show: each at its own latest period, or as known at the end of ``period``.

    Without a period every measure is shown at its latest real period (the snapshot is labelled
    with the latest month any monthly measure reaches). With a period each series is cut to the
    periods that had ended by then; a period before any data is refused, not shown empty.
    """
    series = {m.id: read_series(con, m) for m in strategy.measures}
    if not include_demo:  # boards, the public and the web pages: no demonstration figures, counts protected
        units = {m.id: m.unit for m in strategy.measures}
        series = {k: public_series(v, units[k]) for k, v in series.items()}
    if period is None:
        label, end = latest_period(list(series.values())), None
    else:
        label, end = period, period_end(period)
        points = [p for s in series.values() for p in s.points]
        if points and not any(p.period_end <= end for p in points):
            raise NoDataYet(f"No measure has data for a period ending by {end:%d %B %Y}",
                            hint="choose a later period, e.g. the latest: leave out --period")
    return Snapshot(
        period=label, taken_at=dt.datetime.now().replace(microsecond=0), strategy_name=strategy.about.name,
        pledges=[PledgeRef(number=p.number, id=p.id, text=p.text, emphasis=p.emphasis, group=p.group)
                 for p in strategy.pledges],
        measures=list(strategy.measures),
        series={k: s.until(end) for k, s in series.items()},
        narratives={m.id: narrative.current(con, m.id, label) for m in strategy.measures},
        rebases=_rebases(con, {m.id for m in strategy.measures}, end or period_end(label)),
    )


def _rebases(con: duckdb.DuckDBPyConnection, measure_ids: set[str], end: dt.date) -> dict[str, list[RebaseNote]]:
    """The rebases in effect for the catalogue's measures, up to the end of the period."""
    return {
        measure_id: [RebaseNote(point_date=r.point_date, approved_by=r.decided_by, reason=r.reason)
                     for r in records if r.point_date <= end]
        for measure_id, records in rebases_in_effect(con).items() if measure_id in measure_ids
    }


def assess_snapshot(snapshot: Snapshot) -> Tracking:
    entries = {
        m.id: MeasureEntry(measure=m, series=snapshot.series[m.id],
                           status=assess(m, snapshot.series[m.id], snapshot.rebases.get(m.id, [])),
                           narrative=snapshot.narratives.get(m.id))
        for m in snapshot.measures
    }
    pledges = []
    for p in snapshot.pledges:
        ids = [m.id for m in snapshot.measures if p.number in m.pledges]
        pledges.append(PledgeEntry(pledge=p, measurable=bool(ids), measure_ids=ids))
    return Tracking(period=snapshot.period, taken_at=snapshot.taken_at, strategy_name=snapshot.strategy_name,
                    measures=entries, pledges=pledges,
                    other_measure_ids=[m.id for m in snapshot.measures if not m.pledges])


def track(con: duckdb.DuckDBPyConnection, strategy: Strategy, period: str | None = None, *,
          include_demo: bool = False) -> Tracking:
    return assess_snapshot(take_snapshot(con, strategy, period, include_demo=include_demo))
