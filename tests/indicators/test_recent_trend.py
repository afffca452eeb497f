"""Recent trend on profiles: the Fingertips reference series through the profile's adapter, and
agreement with the trend Fingertips published in the shipped export."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pophealth.config import reference_dir, shared_dir
from pophealth.indicators.profile import rag_frame, trend_frame
from pophealth.indicators.recent_trend import is_annual, published_trend, recent_trends
from pophealth.sources.fingertips_csv import read_batch
from pophealth.stats.trend import LABELS

COLUMNS = ["case_id", "method", "polarity", "year", "count", "denominator", "value", "lower95", "upper95",
           "expected_marker", "expected_marker_polarity_adjusted"]


def _cases() -> dict[str, pd.DataFrame]:
    frame = pd.read_csv(reference_dir() / "phe_methods" / "trend_fingertips.csv", dtype={"polarity": str})
    missing = [c for c in COLUMNS if c not in frame.columns]
    assert not missing, f"trend_fingertips.csv lacks {missing}"
    return {case: part for case, part in frame.groupby("case_id", sort=True)}


CASES = _cases()


def _as_indicator_rows(case: pd.DataFrame) -> pd.DataFrame:
    """A reference series in the warehouse's indicator_value shape, as the profile reads it."""
    return pd.DataFrame({"indicator_id": 1, "area_code": "E00000001", "sex": "Persons", "age": "",
                         "time_period": case["year"].astype(int).astype(str), "start_year": case["year"].astype(int),
                         "value": case["value"], "lower_ci95": case["lower95"], "upper_ci95": case["upper95"],
                         "count": case["count"], "denominator": case["denominator"]})


@pytest.mark.reference
@pytest.mark.parametrize("case_id", sorted(CASES))
def test_reference_series_get_the_fingertips_marker(case_id):
    case = CASES[case_id]
    polarity = case["polarity"].fillna("").iloc[0]
    expected = case["expected_marker_polarity_adjusted"].iloc[0]
    if pd.isna(expected):
        expected = case["expected_marker"].iloc[0]
    (marked,) = recent_trends(_as_indicator_rows(case), case["method"].iloc[0], polarity or "BOB").itertuples()
    assert marked.trend == LABELS[expected]


@pytest.mark.reference
def test_rolling_periods_are_never_marked():
    case = next(c for c in CASES.values() if c["expected_marker"].iloc[0] == "Increasing")
    rows = _as_indicator_rows(case)
    rows["time_period"] = [f"{y} - {str(y + 2)[2:]}" for y in rows["start_year"]]
    assert recent_trends(rows, "ci_weighted", "BOB")["trend"].iloc[0] == "Cannot be calculated"


@pytest.mark.reference
def test_computed_trend_agrees_with_every_trend_fingertips_published():
    """The verbatim suicide export publishes a Recent Trend for every area."""
    path = shared_dir() / "data" / "reference" / "fingertips_sample_export_suicide_east_midlands_2015-17.csv"
    frame = read_batch(path).frame
    frame["england_value"] = np.nan
    judged = trend_frame(rag_frame(frame), frame)
    published = judged[judged["recent_trend"].fillna("") != ""]
    assert len(published) >= 40
    assert published["trend_agrees"].all(), published[["area_name", "trend", "recent_trend"]].to_string()


@pytest.mark.parametrize("period, annual", [("2019", True), ("2019/20", True), ("2015 - 17", False),
                                            ("2021/22 Q1 - 2025/26 Q3", False), ("2019/20 - 21/22", False)])
def test_only_single_years_are_annual(period, annual):
    assert is_annual(period) is annual


def test_published_trend_words():
    assert published_trend("Could not be  calculated") == "cannot be calculated"
    assert published_trend(None) == ""


def test_the_method_is_the_indicators_own_flag_not_its_unit():
    from pophealth.indicators.metadata import IndicatorMeta
    from pophealth.indicators.recent_trend import method_for
    from pophealth.stats.trend import CI_WEIGHTED, NOT_SUPPORTED, SPC_PROPORTIONS

    def meta(unit, **flag):
        return IndicatorMeta(id=1, name="x", short="x", unit=unit, polarity="high_is_good",
                             benchmark="single_ci_one_level", **flag)

    assert method_for(meta("%")) == CI_WEIGHTED  # a percentage without the proportions flag: Fingertips' default
    assert method_for(meta("per 100,000", trend_method="spc_proportions")) == SPC_PROPORTIONS
    assert method_for(meta("%", trend_method="not_supported")) == NOT_SUPPORTED

