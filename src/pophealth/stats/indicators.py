"""Indicators from our own data: patient-level counts from the warehouse (via Ibis, so the
same query runs on DuckDB or Spark), population denominators, then the official methods.

The aggregation runs in the backend; only one row per area and age band comes back, and the
statistics are computed on those small frames.
"""

from __future__ import annotations

from collections.abc import Iterable

import ibis
import pandas as pd

from pophealth.stats.benchmark import compare
from pophealth.stats.confidence import as_fraction, parse_levels, suffix
from pophealth.stats.dsr import dsr
from pophealth.stats.esp2013 import esp2013_for


def events_by_area_band(events: ibis.Table, area: str, ageband: str) -> pd.DataFrame:
    """Count event rows per area and age band in the backend."""
    counted = events.group_by([area, ageband]).aggregate(count=events.count())
    return counted.to_pandas()


def dsr_benchmarked(frame: pd.DataFrame, *, area: str = "area", ageband: str = "ageband",
                    count: str = "count", pop: str = "pop", events_squared: str | None = None,
                    polarity: str = "RAG_low_is_good", levels: Iterable[float] | str | None = (0.95, 0.998),
                    multiplier: float = 100_000, empty_bands_rate_zero: bool = False
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """DSR (ESP2013) per area, and of all areas together as the comparator.

    ``frame`` has one row per area and age band. Every area is compared with the whole at each
    level (single CI, Fingertips method 1): columns ``significance95``/``label95`` and so on.
    Returns (by area, whole) — the whole as a one-row frame.
    """
    levels = parse_levels(levels)
    data = frame.copy()
    data["stdpop"] = esp2013_for(data[ageband])
    sums = {count: (count, "sum"), pop: (pop, "sum"), "stdpop": ("stdpop", "first")}
    if events_squared:
        sums[events_squared] = (events_squared, "sum")
    whole_bands = data.groupby(ageband, as_index=False).agg(**sums)
    options = dict(count=count, pop=pop, multiplier=multiplier, levels=levels, events_squared=events_squared,
                   empty_bands_rate_zero=empty_bands_rate_zero)
    by_area, whole = dsr(data, by=area, **options), dsr(whole_bands, **options)
    by_area["comparator_value"] = float(whole["value"].iloc[0])
    limits = by_area.rename(columns=lambda c: f"area_{c}" if c.startswith(("lower", "upper")) else c)
    for level in levels:
        judged = compare(limits, "single_ci_one_level", polarity=polarity, confidence=level, value="value")
        tag = suffix(level)
        by_area[f"significance{tag}"], by_area[f"label{tag}"] = judged["significance"], judged["label"]
    return by_area, whole


def dsr_with_benchmark(events: ibis.Table, population: pd.DataFrame, *, area: str = "area",
                       ageband: str = "ageband", pop: str = "pop",
                       polarity: str = "RAG_low_is_good", confidence: float = 0.95,
                       levels: Iterable[float] | str | None = None) -> pd.DataFrame:
    """Directly standardised rate (ESP2013) per area, compared with the whole population.

    ``events`` has one row per event with the area and age-band columns; ``population``
    has one row per area and age band. Bands with no events count as 0. The comparator is
    the DSR of all areas together; each area gets Better / Similar / Worse by ``polarity``.
    """
    counts = events_by_area_band(events, area, ageband)
    frame = population[[area, ageband, pop]].merge(counts, on=[area, ageband], how="left")
    frame["count"] = frame["count"].fillna(0).astype(float)
    levels = tuple(sorted(set(parse_levels(levels)) | {as_fraction(confidence)}))
    by_area, _ = dsr_benchmarked(frame, area=area, ageband=ageband, pop=pop, polarity=polarity, levels=levels)
    tag = suffix(confidence)
    return by_area.rename(columns={f"significance{tag}": "significance", f"label{tag}": "label"})
