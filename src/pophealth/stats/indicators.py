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
from pophealth.stats.dsr import dsr
from pophealth.stats.esp2013 import esp2013_for


def events_by_area_band(events: ibis.Table, area: str, ageband: str) -> pd.DataFrame:
    """Count event rows per area and age band in the backend."""
    counted = events.group_by([area, ageband]).aggregate(count=events.count())
    return counted.to_pandas()


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
    frame["stdpop"] = esp2013_for(frame[ageband])
    by_area = dsr(frame, pop=pop, by=area, levels=levels)
    whole = frame.groupby(ageband, as_index=False).agg(
        count=("count", "sum"), **{pop: (pop, "sum")}, stdpop=("stdpop", "first"))
    overall = dsr(whole, pop=pop, levels=levels)
    by_area["comparator_value"] = float(overall["value"].iloc[0])
    limits = by_area.rename(columns=lambda c: f"area_{c}" if c.startswith(("lower", "upper"))
                            else c)
    judged = compare(limits, "single_ci_one_level", polarity=polarity, confidence=confidence,
                     value="value")
    by_area["significance"], by_area["label"] = judged["significance"], judged["label"]
    return by_area
