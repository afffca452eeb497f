"""Outcomes in the year after a date T: any emergency admission, or death, in (T, T+365]."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from pophealth.omop import Cdm, died_between, emergency_admissions
from pophealth.errors import ConfigError

HORIZON_DAYS = 365


def outcome_window(on: dt.date) -> tuple[dt.date, dt.date]:
    return on + dt.timedelta(days=1), on + dt.timedelta(days=HORIZON_DAYS)


def outcomes(cdm: Cdm, on: dt.date) -> pd.DataFrame:
    """Per person: ``admitted`` (any emergency admission) and ``died`` in the year after ``on``."""
    start, end = outcome_window(on)
    ea, death = emergency_admissions(cdm, start, end), died_between(cdm, start, end)
    expr = ea.join(death, ea.person_id == death.person_id).select(
        ea.person_id, admitted=ea.value > 0, died=death.value)
    return expr.to_pandas().set_index("person_id").sort_index()


def check_follow_up(cdm: Cdm, on: dt.date) -> None:
    """Refuse to evaluate at ``on`` unless the records run to the end of its outcome year."""
    op = cdm.table("observation_period")
    last = op.observation_period_end_date.max().to_pandas()
    _, end = outcome_window(on)
    if last is None or pd.isna(last) or pd.Timestamp(last).date() < end:
        raise ConfigError(
            f"The records end on {last}, before the end of the outcome year after the cut-off {on} ({end})",
            hint="choose a cut-off at least a year before the end of the data (--cutoff)")
