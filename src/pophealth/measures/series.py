"""A measure's series read from the warehouse: published statistics, Fingertips values or PHM runs.

A series says honestly what state it is in: ``ok`` (points to show), ``not_loaded`` (a feed is
defined but nothing is in the warehouse) or ``no_feed`` (no data here yet). Every series carries
its lineage - which file or run each figure came from, who published it, when it was loaded and
how the figure is worked out - so a reader can follow any number back to its source. The headline
series is the one rated; ``compare`` holds the other places, organisations or sexes shown beside it.

Figures from the PHM engine say whether the population they were computed on is the synthetic
demonstration population (``demo``): such figures are for trying the product, and the public
outputs and board packs never show them.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

import duckdb
from pydantic import BaseModel, Field

from pophealth.indicators import store
from pophealth.strategy.feeds import FEEDS, organisation_name
from pophealth.strategy.measures import Measure, SeriesRef

INDICATOR_TABLE = "indicator_value"  # the Fingertips-shaped table written by the indicators importer
PHM_ALL = "LLR"  # the org code under which PHM figures for the whole registered population are shown


class Point(BaseModel):
    period_start: dt.date
    period_end: dt.date
    label: str  # as reported, e.g. "2023-10" or "2018 - 20"
    value: float  # in the measure's unit as displayed (percentages as 0-100)
    numerator: float | None = None
    denominator: float | None = None
    source: str | None = None  # the file or run the figure came from


class Lineage(BaseModel):
    """Where a series' figures come from, as a reader can follow them."""

    source: str  # file name, Fingertips indicator, or PHM run
    publisher: str
    loaded_at: str | None = None
    method: str


class MeasureSeries(BaseModel):
    measure_id: str
    state: Literal["ok", "not_loaded", "no_feed"]
    org: str = ""
    label: str = ""
    points: list[Point] = Field(default_factory=list)
    synthetic: bool = False  # rows flagged synthetic in the warehouse (never shipped, refused by products)
    demo: bool = False  # computed on the synthetic demonstration population
    sources: list[str] = Field(default_factory=list)
    lineage: list[Lineage] = Field(default_factory=list)
    loaded_at: str | None = None
    note: str | None = None
    # figures of the PHM engine whose latest run was computed on records the warehouse no longer holds:
    # why they are not current (``public_series`` withholds them until the next run)
    out_of_date: str | None = None
    compare: list[MeasureSeries] = Field(default_factory=list)

    def until(self, period_end: dt.date | None) -> MeasureSeries:
        """The series as it stood at the end of a reporting period: only periods already ended.

        A pooled period such as ``2023 - 25`` is not shown in a pack for October 2023.
        """
        if period_end is None:
            return self
        kept = [p for p in self.points if p.period_end <= period_end]
        return self.model_copy(update={
            "points": kept, "state": self.state if kept or self.state != "ok" else "not_loaded",
            "compare": [c.until(period_end) for c in self.compare]})

    @property
    def latest(self) -> Point | None:
        return self.points[-1] if self.points else None


def read_series(con: duckdb.DuckDBPyConnection, measure: Measure) -> MeasureSeries:
    """The headline series of ``measure`` with its comparison series."""
    data = measure.data
    if data.kind == "operational":
        head = _operational(con, measure, data.org_codes, data.headline_org)
        compare = [_operational(con, measure, [ref.org], ref.org, ref.label) for ref in data.compare]
    elif data.kind == "indicator":
        head = _indicator(con, measure, SeriesRef(org=data.area_code or "", sex=data.sex))
        compare = [_indicator(con, measure, ref) for ref in data.compare]
    elif data.kind == "phm":
        return _phm(con, measure)
    else:
        return MeasureSeries(measure_id=measure.id, state="no_feed", note=_no_data_note(measure))
    return head.model_copy(update={"compare": compare})  # a place with no figure says so, not left out


def _no_data_note(measure: Measure, loaded: bool = False) -> str:
    """What a reader is told when a measure has no figure yet: in plain words, with its source."""
    feed = FEEDS.get(measure.data.feed or "")
    text = measure.data.note or ""
    if feed is not None:
        text = (text + " " if text else "") + f"No data yet. Source: {feed.name} ({feed.publisher})."
    return text or "No data yet."


def how_to_load(measure: Measure) -> str | None:
    """The command that loads a measure's source (for analysts, never on public pages)."""
    if measure.data.kind == "phm":
        return "pophealth phm run"
    feed = FEEDS.get(measure.data.feed or "")
    return feed.load if feed else None


def _publisher(measure: Measure) -> str:
    feed = FEEDS.get(measure.data.feed or "")
    return feed.publisher if feed else "pophealth"


def _operational(con: duckdb.DuckDBPyConnection, m: Measure, org_codes: list[str], org: str,
                 label: str | None = None) -> MeasureSeries:
    d = m.data
    where, params = ["metric_id = ?"], [d.metric_id]
    if d.org_type and org_codes == d.org_codes:
        where.append("org_type = ?")
        params.append(d.org_type)
    if org_codes:
        where.append(f"org_code IN ({', '.join('?' * len(org_codes))})")
        params.extend(org_codes)
    rows = con.execute(
        f"""SELECT period_start, max(period_end), sum(numerator), sum(denominator), sum(value),
                   count(numerator) = count(*) AND count(denominator) = count(*),
                   bool_or(is_synthetic), list(DISTINCT source_file ORDER BY source_file),
                   strftime(max(loaded_at), '%Y-%m-%d %H:%M')
            FROM metric_observation WHERE {' AND '.join(where)}
            GROUP BY period_start ORDER BY period_start""", params).fetchall()
    points, sources, synthetic, loaded = [], set(), False, None
    for start, end, num, den, total, ratio, synth, files, loaded_at in rows:
        value = (num / den if den else None) if ratio else total
        if value is None:
            continue
        points.append(Point(period_start=start, period_end=end, label=_label(start, end), value=value * d.scale,
                            numerator=num if ratio else None, denominator=den if ratio else None,
                            source=", ".join(files)))
        sources.update(files)
        synthetic = synthetic or bool(synth)
        loaded = max(loaded or "", loaded_at or "") or None
    method = ("numerator / denominator summed over the organisations shown" if any(p.denominator for p in points)
              else "the published figure")
    lineage = [Lineage(source=s, publisher=_publisher(m), loaded_at=loaded, method=method) for s in sorted(sources)]
    return MeasureSeries(measure_id=m.id, state="ok" if points else "not_loaded", org=org,
                         label=label or ", ".join(organisation_name(c) for c in org.split(",")), points=points, synthetic=synthetic, sources=sorted(sources),
                         lineage=lineage, loaded_at=loaded,
                         note=d.note if points else _no_data_note(m, loaded=True))


def _label(start: dt.date, end: dt.date) -> str:
    months = (end.year - start.year) * 12 + end.month - start.month + 1
    if months <= 1:
        return start.strftime("%Y-%m")
    return f"{start:%Y-%m} to {end:%Y-%m}"


def _indicator_rows(con: duckdb.DuckDBPyConnection, indicator_id: int, area: str,
                    sex: str | None) -> list[tuple]:
    """The area's published rows, read through ``indicators.store`` like every other product, so a value
    withheld on the place profile is withheld on the measure too."""
    frame = store.series(con, indicator_id, [area], sex=sex)
    frame = frame[frame["value"].notna()]
    return [(r.time_period, r.time_period_sortable, float(r.value),
             None if r.count != r.count else r.count, None if r.denominator != r.denominator else r.denominator,
             r.source, r.loaded_at.strftime("%Y-%m-%d %H:%M") if r.loaded_at == r.loaded_at else None)
            for r in frame.itertuples(index=False)]


def _indicator(con: duckdb.DuckDBPyConnection, m: Measure, ref: SeriesRef) -> MeasureSeries:
    d = m.data
    sex = ref.sex or d.sex
    rows = {r[0]: r for r in _indicator_rows(con, d.indicator_id or 0, ref.org, sex)}
    method = f"Fingertips indicator {d.indicator_id} as published by OHID"
    if d.gap_to:
        other = {r[0]: r for r in _indicator_rows(con, d.indicator_id or 0, d.gap_to, sex)}
        rows = {k: (k, r[1], other[k][2] - r[2], None, None, f"{r[5]}; {other[k][5]}", max(r[6], other[k][6]))
                for k, r in rows.items() if k in other}
        method = f"the value for {d.gap_to} minus the value for {ref.org}, Fingertips indicator {d.indicator_id}"
    points, sources, loaded = [], set(), None
    for label, _sort, value, count, den, source, loaded_at in sorted(rows.values(), key=lambda r: r[1]):
        start, end = period_bounds(str(label))
        points.append(Point(period_start=start, period_end=end, label=str(label), value=float(value),
                            numerator=count, denominator=den, source=source))
        sources.add(source)
        loaded = max(loaded or "", loaded_at or "") or None
    name = ref.label or _area_label(con, ref.org, sex)
    lineage = [Lineage(source=s, publisher="Office for Health Improvement and Disparities (Fingertips)",
                       loaded_at=loaded, method=method) for s in sorted(sources)]
    return MeasureSeries(measure_id=m.id, state="ok" if points else "not_loaded", org=ref.org, label=name,
                         points=points, sources=sorted(sources), lineage=lineage, loaded_at=loaded,
                         note=d.note if points else _no_data_note(m))


def _area_label(con: duckdb.DuckDBPyConnection, area: str, sex: str | None) -> str:
    """"Leicester, males" from the area's published name; the code when the area has no rows."""
    found = con.execute(f"SELECT any_value(area_name) FROM {INDICATOR_TABLE} WHERE area_code = ?", [area]).fetchone()
    name = found[0] if found and found[0] else area
    return f"{name}, {sex.lower()}s" if sex in ("Male", "Female") else name


def population_is_synthetic(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the patient-level records are the synthetic demonstration population."""
    try:
        return bool(con.execute("SELECT count(*) FROM synth_run").fetchone()[0])
    except duckdb.Error:
        return False


CARE_LOOP_FRAILTY = "care_loop_frailty"  # the care-team loop on the frailty worklist (pledge 3)
GAPS_CLOSED_ORG = "gaps-closed"
CARE_LOOP_SQL = """
    WITH standing AS (SELECT run_id, index_date, finished_at FROM phm_run
                      QUALIFY row_number() OVER (PARTITION BY index_date ORDER BY finished_at DESC, run_id DESC) = 1),
    runs AS (SELECT *, lag(run_id) OVER (ORDER BY index_date) AS previous FROM standing),
    frail AS (SELECT run_id, person_id FROM phm_person WHERE efi_category IN ('moderate', 'severe')),
    reviewed AS (SELECT DISTINCT r.index_date, o.person_id FROM care_outcome o JOIN phm_run r ON r.run_id = o.phm_run_id),
    listed AS (SELECT f.run_id, count(*) AS people, count(v.person_id) AS reviewed
               FROM frail f JOIN runs r USING (run_id)
               LEFT JOIN reviewed v ON v.index_date = r.index_date AND v.person_id = f.person_id GROUP BY 1),
    closed AS (SELECT r.run_id, count(*) AS open_before, count(*) FILTER (WHERE NOT n.gap) AS closed
               FROM runs r JOIN frail f ON f.run_id = r.previous
               JOIN phm_care_gap p ON p.run_id = r.previous AND p.person_id = f.person_id AND p.gap
               JOIN phm_care_gap n ON n.run_id = r.run_id AND n.person_id = p.person_id AND n.care_gap = p.care_gap
               GROUP BY 1)
    SELECT r.run_id, r.index_date, r.previous, coalesce(l.people, 0), coalesce(l.reviewed, 0), c.open_before,
           c.closed, strftime(r.finished_at, '%Y-%m-%d %H:%M')
    FROM runs r LEFT JOIN listed l USING (run_id) LEFT JOIN closed c USING (run_id)
    ORDER BY r.index_date"""


PHM_OUT_OF_DATE = ("Out of date: the records these figures were computed from have since been replaced or "
                   "updated. They are recomputed at the next population health management run.")


def _phm_out_of_date(con: duckdb.DuckDBPyConnection) -> str | None:
    """Why the PHM engine's figures are not current, or None: its latest run was computed on a population the
    warehouse no longer holds (``warehouse.versions.run_currency``). Older runs are history, each true of its
    index date; the latest stands for "now", so it decides.

    The population now held is the latest one recorded: every loader records the population it leaves, so
    this is one small read, where working the content id out again costs a tenth of a second at a million
    people, and a board pack reads every PHM measure."""
    from pophealth.warehouse.versions import latest_population, run_currency

    try:
        row = con.execute("SELECT run_id FROM phm_run ORDER BY finished_at DESC, run_id DESC LIMIT 1").fetchone()
    except duckdb.CatalogException:  # a warehouse without PHM tables: nothing computed, nothing out of date
        return None
    if row is None:
        return None
    recorded = latest_population(con)
    current = run_currency(con, row[0], content=recorded.content_id if recorded else None).current
    return None if current else PHM_OUT_OF_DATE


def _care_loop(con: duckdb.DuckDBPyConnection, m: Measure) -> MeasureSeries:
    """Pledge 3's care loop, one point per PHM index date (its last run stands): the share of people on the
    frailty worklist (eFI moderate or severe at the run) with an outcome recorded by their care team against
    the lists of a run of that date; beside it, the care gaps open at the previous date's run for people on
    its frailty worklist that this run finds closed (people assessed in both). Counts over all of LLR."""
    try:
        rows = con.execute(CARE_LOOP_SQL).fetchall()
    except duckdb.CatalogException:  # a warehouse without the care tables: nothing computed yet
        rows = []
    demo = population_is_synthetic(con)
    reviewed_points: list[Point] = []
    closed_points: list[Point] = []
    loaded = None
    for run_id, index_date, previous, people, reviewed, open_before, closed, finished in rows:
        period = {"period_start": index_date.replace(day=1), "period_end": index_date,
                  "label": index_date.strftime("%Y-%m")}
        if people:
            reviewed_points.append(Point(**period, value=reviewed / people * m.data.scale, numerator=float(reviewed),
                                         denominator=float(people), source=f"PHM run {run_id}"))
            loaded = max(loaded or "", finished or "") or None
        if previous and open_before:
            closed_points.append(Point(**period, value=closed / open_before * m.data.scale, numerator=float(closed),
                                       denominator=float(open_before), source=f"PHM run {run_id} (against {previous})"))
    population = "the synthetic demonstration population" if demo else "the registered population's records"
    methods = {
        PHM_ALL: f"people on the frailty worklist (eFI moderate or severe, PHM engine, {population}) with an "
                 "outcome recorded by their care team against the run's worklists (care_outcome), over the "
                 "people on the list",
        GAPS_CLOSED_ORG: f"care gaps open at the previous PHM run for people on its frailty worklist ({population}) "
                         "that the run finds met, over those open before (people in both runs)"}

    stale = _phm_out_of_date(con) if rows else None

    def make(org: str, label: str, points: list[Point], empty: str) -> MeasureSeries:
        runs = sorted({p.source for p in points if p.source})
        return MeasureSeries(measure_id=m.id, state="ok" if points else "not_loaded", org=org, label=label,
                             points=points, demo=demo, sources=runs, loaded_at=loaded, out_of_date=stale,
                             lineage=[Lineage(source=r, publisher="pophealth population health management engine "
                                              "and care-team outcomes", loaded_at=loaded, method=methods[org])
                                      for r in runs],
                             note=None if points else empty)

    head = make(PHM_ALL, "People on the frailty worklist reviewed", reviewed_points,
                "No data yet: needs a population health management run.")
    closed_series = make(GAPS_CLOSED_ORG, "Care gaps closed since the previous run (frailty worklist)", closed_points,
                         "No data yet: needs two population health management runs.")
    return head.model_copy(update={"compare": [closed_series]})


def _phm(con: duckdb.DuckDBPyConnection, m: Measure) -> MeasureSeries:
    """One point per PHM run (at its index date): the whole population, and each place beside it."""
    d = m.data
    if d.phm_measure == CARE_LOOP_FRAILTY:
        return _care_loop(con, m)
    parts = [p.strip() for p in (d.phm_measure or "").split("+")]
    rows = con.execute(f"""
        SELECT r.run_id, r.index_date, a.dimension, a.category, sum(a.numerator), max(a.denominator),
               strftime(max(r.finished_at), '%Y-%m-%d %H:%M')
        FROM phm_aggregate a JOIN phm_run r USING (run_id)
        WHERE a.measure IN ({', '.join('?' * len(parts))}) AND a.dimension IN ('all', 'place')
        GROUP BY ALL ORDER BY r.index_date, max(r.finished_at), r.run_id""", parts).fetchall()
    demo = population_is_synthetic(con)
    series: dict[str, list[Point]] = {}
    latest_run: dict[dt.date, str] = {}
    for run_id, index_date, _dim, category, num, den, _finished in rows:
        latest_run[index_date] = run_id  # the last run to finish for an index date is the one that stands
    loaded = None
    for run_id, index_date, dim, category, num, den, finished in rows:
        if latest_run[index_date] != run_id or not den:
            continue
        share = num / den
        value = (1 - share) if d.phm_met else share
        met = (den - num) if d.phm_met else num
        org = PHM_ALL if dim == "all" else str(category)
        series.setdefault(org, []).append(Point(
            period_start=index_date.replace(day=1), period_end=index_date, label=index_date.strftime("%Y-%m"),
            value=value * d.scale, numerator=float(met), denominator=float(den), source=f"PHM run {run_id}"))
        loaded = max(loaded or "", finished or "") or None
    population = "the synthetic demonstration population" if demo else "the registered population's records"
    method = (f"computed by the population health management engine from {population} "
              f"({d.phm_measure}{', people whose care is done' if d.phm_met else ''})")

    stale = _phm_out_of_date(con) if rows else None

    def make(org: str, label: str) -> MeasureSeries:
        points = series.get(org, [])
        runs = sorted({p.source for p in points if p.source})
        return MeasureSeries(measure_id=m.id, state="ok" if points else "not_loaded", org=org, label=label,
                             points=points, demo=demo, sources=runs, loaded_at=loaded, out_of_date=stale,
                             lineage=[Lineage(source=r, publisher="pophealth population health management engine",
                                              loaded_at=loaded, method=method) for r in runs],
                             note=None if points else "No data yet: the population health management engine computes "
                             "it from practices' records.")

    head = make(PHM_ALL, "LLR registered population")
    others = [make(org, org) for org in sorted(series) if org != PHM_ALL]
    return head.model_copy(update={"compare": [c for c in others if c.points]})


def period_bounds(label: str) -> tuple[dt.date, dt.date]:
    """Fingertips time periods: ``2022``, ``2022/23``, ``2018 - 20``, ``2020/21 - 22/23`` → first and last day."""
    years = [int(y) for y in re.findall(r"\d{4}", label)]
    if not years:
        raise ValueError(f"not a Fingertips time period: {label!r}")
    first = years[0]
    short = re.findall(r"[-/ ](\d{2})(?!\d)", label)
    last = (first // 100 * 100 + int(short[-1])) if short else years[-1]
    if "/" in label:  # financial years run April to March
        return dt.date(first, 4, 1), dt.date(last if last > first else first + 1, 3, 31)
    return dt.date(first, 1, 1), dt.date(max(last, first), 12, 31)
