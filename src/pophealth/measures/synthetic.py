"""Clearly labelled synthetic series for the demo, for measures whose real feed is not available here.

Each series is a straight line from a starting to an ending level plus normal noise, with a seed
taken from the measure id so every build gives the same numbers. Levels are set near the figures
the seeds quote (e.g. 52+ week waiters 18,110 in November 2022, urgent community response
85.7%) so that the demo reads plausibly; they are not data. Every row is written with
``is_synthetic = TRUE`` and the source "synthetic demo series", and every page and pack that
shows one says so.
"""

from __future__ import annotations

import datetime as dt
import zlib

import numpy as np
import pandas as pd

from pophealth.strategy.measures import Measure

SOURCE = "synthetic demo series (not real data)"
END_MONTH = dt.date(2023, 10, 1)  # the last month of the real cancer waiting times extract
POINTS = {"monthly": 24, "quarterly": 8, "annual": 5}

# measure id -> (start level, end level, noise sd, denominator for ratio measures or None)
LEVELS: dict[str, tuple[float, float, float, float | None]] = {
    "care-plans-for-vulnerable-people": (68, 78, 1.5, 24_000),
    "emergency-admissions-falls-65": (182, 170, 9, 205_000),
    "gp-appointments-per-10000-weighted": (4_450, 4_800, 120, 1_180_000),
    "gp-access-experience": (58, 49, 1.5, 14_000),
    "community-pharmacy-consultations": (60, 140, 8, 1_180_000),
    "ambulance-category-2-mean": (58, 44, 6, None),
    "ambulance-handover-time": (48, 36, 5, None),
    "ae-four-hour": (61, 64, 2.5, 25_000),
    "urgent-community-response-2-hours": (82, 86, 2, 1_600),
    "deaths-in-hospital": (43, 40, 1.2, 2_300),
    "rtt-52-week-waiters": (19_500, 9_000, 500, None),
    "ld-annual-health-checks": (66, 74, 2, 6_200),
    "smi-physical-health-checks": (48, 58, 2, 12_500),
    "mental-health-out-of-area-placements": (0, 0, 0, None),
    "mental-health-access-variation": (2.3, 2.0, 0.08, None),
    "cyp-mental-health-access": (13_000, 15_500, 250, None),
    "smoking-at-time-of-delivery": (10.5, 9.0, 0.6, 2_900),
    "workforce-vacancy-rate": (9.5, 7.5, 0.4, 30_000),
    "workforce-turnover-rate": (12.5, 10.5, 0.3, 30_000),
    "agency-staff-spend": (5.6, 3.9, 0.3, 150_000_000),
    "workforce-staff-in-post": (27_800, 29_900, 120, None),
    "dementia-diagnosis-rate": (61, 64, 0.8, 13_500),
}


def _starts(frequency: str) -> list[dt.date]:
    step = {"monthly": 1, "quarterly": 3, "annual": 12}[frequency]
    n = POINTS[frequency]
    end = pd.Timestamp(END_MONTH)
    return [(end - pd.DateOffset(months=step * i)).date() for i in reversed(range(n))]


def synthetic_observations(measure: Measure) -> pd.DataFrame:
    """Observations in the ``metric_observation`` shape for one operational measure."""
    start_level, end_level, sd, denominator = LEVELS[measure.id]
    starts = _starts(measure.frequency)
    rng = np.random.default_rng(zlib.crc32(measure.id.encode()))
    level = np.linspace(start_level, end_level, len(starts)) + rng.normal(0, sd, len(starts))
    level = np.clip(level, 0, 100 if measure.unit == "percent" else None)
    step = {"monthly": 1, "quarterly": 3, "annual": 12}[measure.frequency]
    period_end = [(pd.Timestamp(s) + pd.DateOffset(months=step) - pd.Timedelta(days=1)).date() for s in starts]
    data = measure.data
    frame = pd.DataFrame({
        "metric_id": data.metric_id, "org_code": data.org_codes[0] if data.org_codes else "QK1",
        "org_type": data.org_type or "icb", "breakdown": "", "period_start": starts, "period_end": period_end,
    })
    if denominator is not None:
        frame["denominator"] = float(denominator)
        frame["numerator"] = np.round(level / data.scale * denominator, 1 if data.scale <= 100 else 0)
        frame["value"] = frame["numerator"] / frame["denominator"]
        frame["unit"] = "proportion" if data.scale == 100 else "rate"
    else:
        frame["numerator"] = float("nan")  # stored as NULL: a level, not a ratio
        frame["denominator"] = float("nan")
        frame["value"] = np.round(level, 2) / data.scale
        frame["unit"] = measure.unit
    return frame
