"""Indicators from our own patient-level data: directly standardised rates by any area level.

One function, :func:`own_indicator`, takes an event definition and an area level, and
1. counts each person's events in the window and their person-years registered (the overlap of
   their observation periods with the window), by 5-year age band at the window's midpoint —
   all in the Ibis backend (DuckDB here, Spark on a cluster), so only one row per area and band
   comes back;
2. computes the DSR per area (ESP2013, Dobson limits at 95% and 99.8%, events per person allowed
   to repeat: the variance uses the sum of squared events per person) with the stats engine;
3. compares each area with the whole population in the warehouse (LLR) at both levels.
Method and limits: docs/methods/statistics.md, "Indicators from our own data".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir
import pandas as pd

from pophealth.disclosure import DisclosurePolicy
from pophealth.errors import InputError, NotFoundError, Problem
from pophealth.indicators.own_definitions import (NOT_RECORDED, AreaLevel, EventDefinition, event, level,
                                                  nested_levels)
from pophealth.indicators.own_disclosure import protect_nested
from pophealth.omop import Cdm, age_on
from pophealth.stats.esp2013 import ESP2013_BANDS, ESP2013_START_AGES
from pophealth.stats.indicators import dsr_benchmarked

TOTAL_CODE, TOTAL_NAME = "TOTAL", "All areas (LLR)"
DEFAULT_YEAR = 2025
COLUMNS = ["area_code", "area_name", "events_count", "person_years", "value", "lower95", "upper95",
           "lower998", "upper998", "label95", "label998", "flag"]


@dataclass(frozen=True)
class OwnIndicator:
    """The result: one row per area plus the whole population, and what was counted over when."""

    event: EventDefinition
    level: AreaLevel
    start: dt.date
    end: dt.date
    areas: pd.DataFrame      # COLUMNS, one row per area, ordered by value
    total: pd.DataFrame      # the same columns, one row: the comparator

    @property
    def table(self) -> pd.DataFrame:
        """Areas then the total, as one table (what is published after disclosure control)."""
        return pd.concat([self.areas, self.total], ignore_index=True)


def person_years(cdm: Cdm, start: dt.date, end: dt.date) -> ir.Table:
    """Person-years registered in [start, end] (both ends included), for people with any."""
    op = cdm.table("observation_period")
    op = op.filter((op.observation_period_start_date <= end) & (op.observation_period_end_date >= start))
    days = ibis.least(op.observation_period_end_date, end).delta(
        ibis.greatest(op.observation_period_start_date, start), unit="day") + 1
    return op.group_by("person_id").aggregate(py=(days.cast("float64") / 365.25).sum())


def area_of(cdm: Cdm, level: AreaLevel) -> ir.Table:
    """Each person's area code and name (text; missing codes become "Not recorded")."""
    t = cdm.table(level.table)
    name = t[level.name].cast("string") if level.name else ibis.null("string")
    return t.select("person_id", area_code=t[level.code].cast("string").fill_null(NOT_RECORDED), area_name=name)


def counts_by_area_band(cdm: Cdm, event: EventDefinition, level: AreaLevel,
                        start: dt.date, end: dt.date) -> pd.DataFrame:
    """Events, squared events per person and person-years per area × age band, computed in the backend."""
    mid = start + (end - start) / 2
    py, ages = person_years(cdm, start, end), age_on(cdm, mid)
    events, areas = event.per_person(cdm, start, end), area_of(cdm, level)
    joined = (py.join(ages, "person_id").join(events.rename(events="value"), "person_id")
              .join(areas, "person_id"))
    band = ibis.least(ibis.greatest(joined.value, 0) // 5 * 5, ESP2013_START_AGES[-1])
    grouped = joined.mutate(band_start=band.cast("int64")).group_by(["area_code", "area_name", "band_start"])
    return grouped.aggregate(events=joined.events.sum(), events_sq=(joined.events * joined.events).sum(),
                             py=joined.py.sum()).to_pandas()


def _full_grid(counts: pd.DataFrame) -> pd.DataFrame:
    """Every area × every ESP2013 band (bands nobody is in get 0 events and 0 person-years)."""
    names = counts.groupby("area_code")["area_name"].first()
    grid = pd.MultiIndex.from_product([names.index, ESP2013_START_AGES], names=["area_code", "band_start"])
    summed = counts.groupby(["area_code", "band_start"])[["events", "events_sq", "py"]].sum()
    frame = summed.reindex(grid, fill_value=0.0).reset_index()
    frame["ageband"] = [ESP2013_BANDS[ESP2013_START_AGES.index(int(b))] for b in frame["band_start"]]
    frame["area_name"] = frame["area_code"].map(names)
    return frame


RENAMED = {"total_count": "events_count", "total_pop": "person_years"}


def _tidy(frame: pd.DataFrame, level: AreaLevel) -> pd.DataFrame:
    out = frame.rename(columns=RENAMED)
    out["area_name"] = [level.label(str(c), n if isinstance(n, str) else None)
                        for c, n in zip(out["area_code"], out["area_name"])]
    return out[COLUMNS]


def own_indicator(cdm: Cdm, event: EventDefinition, level: AreaLevel, start: dt.date, end: dt.date
                  ) -> OwnIndicator:
    """DSR of ``event`` per area of ``level`` in [start, end], benchmarked against all areas together."""
    counts = counts_by_area_band(cdm, event, level, start, end)
    if counts.empty:
        raise NotFoundError(f"Nobody was registered between {start} and {end} in this warehouse",
                            hint="Load patient-level data first, e.g. pophealth synth --people 50000")
    frame = _full_grid(counts)
    names = frame.groupby("area_code")["area_name"].first()
    by_area, whole = dsr_benchmarked(frame, area="area_code", count="events", pop="py",
                                     events_squared="events_sq", polarity=event.polarity,
                                     multiplier=event.multiplier, empty_bands_rate_zero=True)
    by_area["area_name"] = by_area["area_code"].map(names)
    whole = whole.assign(area_code=TOTAL_CODE, area_name=TOTAL_NAME, label95="Comparator", label998="Comparator")
    areas = _tidy(by_area, level).sort_values(["value", "area_code"], na_position="last").reset_index(drop=True)
    total = whole.rename(columns=RENAMED)[COLUMNS]
    return OwnIndicator(event, level, start, end, areas, total)


def year_window(year: int) -> tuple[dt.date, dt.date]:
    """A calendar year as the inclusive window the queries take."""
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def publishable(result: OwnIndicator, nested: tuple[list[OwnIndicator], list[dict[str, str]]] | None = None,
                policy: DisclosurePolicy | None = None) -> pd.DataFrame:
    """The table fit to leave the secure zone (``pophealth.indicators.own_disclosure``): event counts through
    disclosure control, together with the levels ``result`` nests with when ``nested`` gives them (results
    finest first, and each level's map of area to parent area), so no page can be differenced against another;
    rates, limits and comparisons rebuilt from the published counts; person-years to whole years."""
    results, parents = nested if nested is not None else ([result], [])
    tables = protect_nested([r.table for r in results], parents, total_code=TOTAL_CODE,
                            polarity=result.event.polarity, policy=policy)
    table = tables[[r.level.slug for r in results].index(result.level.slug)]
    areas = table[table["area_code"] != TOTAL_CODE].sort_values(["value", "area_code"], na_position="last")
    return pd.concat([areas, table[table["area_code"] == TOTAL_CODE]], ignore_index=True)


def parent_codes(cdm: Cdm, child: AreaLevel, parent: AreaLevel) -> dict[str, str]:
    """Each area code of ``child`` and the ``parent`` area it lies in (both as the pages show them)."""
    c, p = area_of(cdm, child), area_of(cdm, parent)
    pairs = c.join(p, "person_id").select(child=c.area_code, parent=p.area_code).distinct().to_pandas()
    return dict(zip(pairs["child"].astype(str), pairs["parent"].astype(str)))


def published(cdm: Cdm, event: EventDefinition, area_level: AreaLevel, start: dt.date, end: dt.date,
              policy: DisclosurePolicy | None = None) -> tuple[OwnIndicator, pd.DataFrame]:
    """The indicator at ``area_level`` and its table fit to publish, protected together with the levels it
    nests with (a practice page and its PCN page show figures of one protection)."""
    chain = nested_levels(area_level)
    results = [own_indicator(cdm, event, x, start, end) for x in chain]
    parents = [parent_codes(cdm, a, b) for a, b in zip(chain, chain[1:])]
    result = results[chain.index(area_level)]
    return result, publishable(result, (results, parents), policy)


def resolve(event_slug: str, level_slug: str, year: int | str | None) -> tuple[EventDefinition, AreaLevel, int]:
    """Validate the request of a page or a command: known event, known level, a plausible year."""
    try:
        year = DEFAULT_YEAR if year in (None, "") else int(year)
    except ValueError:
        raise InputError(Problem("request", f"year must be a number such as {DEFAULT_YEAR}, not {year!r}",
                                 column="year")) from None
    if not 1900 <= year <= 2100:
        raise InputError(Problem("request", f"year {year} is outside 1900-2100", column="year"))
    return event(event_slug), level(level_slug), year
