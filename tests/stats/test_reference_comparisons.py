"""Reference cases: benchmarking against a comparator and the recent-trend marker."""

from __future__ import annotations

import numpy as np
import pytest

from pophealth.stats import compare, recent_trend
from tests.stats.reference_cases import case, case_ids

pytestmark = pytest.mark.reference
BENCH_COLUMNS = ["comparator_method", "polarity", "confidence", "area_value", "area_lower95",
                 "area_upper95", "area_lower998", "area_upper998", "area_denominator",
                 "comparator_value", "comparator_lower95", "comparator_upper95", "unit",
                 "expected_significance"]


@pytest.mark.parametrize("case_id", case_ids("benchmark_fingertips.csv"))
def test_benchmark(case_id: str) -> None:
    rows = case("benchmark_fingertips.csv", case_id, BENCH_COLUMNS)
    first = rows.iloc[0]
    level = str(first.confidence).split(";")[0]
    got = compare(rows, first.comparator_method, polarity="polarity", confidence=level)
    assert got["significance"].iloc[0] == first.expected_significance


TREND_COLUMNS = ["source", "method", "value_type", "polarity", "year", "count", "denominator", "value",
                 "lower95", "upper95", "expected_marker", "expected_marker_polarity_adjusted",
                 "expected_significant", "expected_chi2_from_source"]


@pytest.mark.parametrize("case_id", case_ids("trend_fingertips.csv"))
def test_trend(case_id: str) -> None:
    rows = case("trend_fingertips.csv", case_id, TREND_COLUMNS)
    first = rows.iloc[0]
    got = recent_trend(rows, vocabulary="source").iloc[0]  # each case in its source's own words
    assert got["marker"] == first.expected_marker
    assert bool(got["significant"]) == bool(first.expected_significant)
    if isinstance(first.expected_marker_polarity_adjusted, str):
        assert got["marker_polarity_adjusted"] == first.expected_marker_polarity_adjusted
    if not np.isnan(first.expected_chi2_from_source):
        assert round(got["chi2"], 2) == pytest.approx(first.expected_chi2_from_source, abs=1e-9)
