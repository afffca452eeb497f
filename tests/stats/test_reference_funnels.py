"""Reference cases: funnel-plot limits (axis and limits) and significance of each area."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
import pytest

from pophealth.stats import funnel_axis, funnel_significance
from pophealth.stats.funnel_limits import proportion_funnel, rate_funnel, ratio_funnel
from tests.stats.reference_cases import assert_close, case, case_ids, load

pytestmark = pytest.mark.reference
LIMIT_FILE = "funnel_limits.csv"
LIMIT_COLUMNS = [f"{side}_{s}_{kind}" for kind in ("limit", "exp_events", "population_1_year")
                 for s in ("2s", "3s") for side in ("lower", "upper")] + ["baseline"]
DATASET_COLUMNS = ["dataset_id", "statistic", "sub_type", "multiplier", "years_of_data",
                   "baseline_average", "dataset_min_denominator", "dataset_max_denominator",
                   "axis_index", "axis_value"]


@lru_cache(maxsize=None)
def dataset_limits(dataset_id: str) -> tuple[np.ndarray, pd.DataFrame]:
    """Our axis from the data set's min/max, and our limits at the reference axis points."""
    rows = load(LIMIT_FILE)
    rows = rows[rows["dataset_id"] == dataset_id].sort_values("axis_index")
    first = rows.iloc[0]
    statistic, years = first.statistic, first.years_of_data
    # Rates: the per-person baseline is baseline / multiplier (baseline_average is rounded).
    rate = first.baseline / first.multiplier if statistic == "rate" else None
    axis = funnel_axis(first.dataset_min_denominator, first.dataset_max_denominator, statistic,
                       years=years if statistic == "rate" else 1, baseline_rate=rate)
    points = rows["axis_value"].to_numpy(dtype=float)
    if statistic == "proportion":
        limits = proportion_funnel(points, first.baseline_average, first.multiplier)
    elif statistic == "ratio":
        limits = ratio_funnel(points, first.sub_type)
    else:
        limits = rate_funnel(points, rate, first.multiplier, years)
    limits.index = rows["axis_index"].to_numpy()
    return axis, limits


@pytest.mark.parametrize("case_id", case_ids(LIMIT_FILE))
def test_funnel_limits(case_id: str) -> None:
    row = case(LIMIT_FILE, case_id, DATASET_COLUMNS + LIMIT_COLUMNS).iloc[0]
    axis, limits = dataset_limits(row.dataset_id)
    assert axis[int(row.axis_index) - 1] == row.axis_value
    ours = limits.loc[int(row.axis_index)]
    for col in LIMIT_COLUMNS:
        if not np.isnan(row[col]):
            assert col in ours.index, f"{case_id}: no {col} computed"
            # relative 1e-6 (bisection precision); the file's values carry 6 decimals
            assert_close(ours[col], row[col], rel=1e-6, abs_=5e-7, what=f"{case_id} {col}")


SIG_FILE = "funnel_significance.csv"


@pytest.mark.parametrize("case_id", case_ids(SIG_FILE))
def test_funnel_significance(case_id: str) -> None:
    rows = case(SIG_FILE, case_id, ["statistic", "rate_type", "multiplier", "numerator",
                                    "denominator", "rate", "comparator",
                                    "expected_significance"])
    first = rows.iloc[0]
    rate_type = first.rate_type if isinstance(first.rate_type, str) else None
    multiplier = None if np.isnan(first.multiplier) else float(first.multiplier)
    got = funnel_significance(rows, first.statistic, rate_type=rate_type, multiplier=multiplier,
                              comparator=rows["comparator"].to_numpy(dtype=float))
    assert got.iloc[0] == first.expected_significance
