"""Place profiles, pledge comparisons, trends and inequality series from the shipped snapshot."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pophealth.errors import NotFoundError
from pophealth.indicators.comparison import pledge_comparisons
from pophealth.indicators.inequality import deprivation_order, fit_sii, inequality_series
from pophealth.indicators.metadata import catalogue
from pophealth.indicators.profile import build_profile
from pophealth.indicators.trend import trends
from pophealth.sources.fingertips_csv import shipped_extract


def _shipped_rows() -> list[dict[str, str]]:
    path = shipped_extract("fingertips_llr_ltla_extract_trafford_themes.csv")
    with path.open(newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def test_leicester_profile_shows_the_latest_period_and_englands_value(loaded):
    rows = _shipped_rows()
    le = [r for r in rows if r["Indicator ID"] == "90366" and r["Sex"] == "Male"]
    latest = max((r["Time period"] for r in le if r["Area Code"] == "E06000016"))
    expected_value = next(float(r["Value"]) for r in le if r["Area Code"] == "E06000016" and r["Time period"] == latest)
    expected_england = next(float(r["Value"]) for r in le if r["Area Code"] == "E92000001" and r["Time period"] == latest)
    profile = build_profile(loaded, "E06000016")
    row = next(r for r in profile.rows if r.indicator_id == 90366 and r.sex == "Male")
    assert (row.period, row.value, row.england_value) == (latest, expected_value, expected_england)
    assert row.rag_basis == "published" and row.agrees is None


def test_every_profile_row_has_a_known_outcome_and_a_range_that_contains_it(loaded):
    for place in catalogue().places:
        for r in build_profile(loaded, place.code).rows:
            assert r.rag in {"better", "similar", "worse", "higher", "lower", "not compared"}
            if r.value is not None and r.area_min is not None:
                assert r.area_min <= r.value <= r.area_max


def test_rows_with_limits_are_computed_and_agree_with_fingertips(loaded):
    computed = [r for r in build_profile(loaded, "E06000016").rows if r.rag_basis == "computed"]
    assert computed and all(r.agrees for r in computed)


def test_unknown_place_is_not_found(loaded):
    with pytest.raises(NotFoundError):
        build_profile(loaded, "E09000001")


def test_pledge_comparisons_put_the_three_places_side_by_side(loaded):
    comps = pledge_comparisons(loaded, 1)
    assert {c.indicator_id for c in comps} == {90366, 90362, 92901}
    le_male = next(c for c in comps if c.indicator_id == 90366 and c.sex == "Male")
    assert [p.area_name for p in le_male.places] == ["Leicester", "Leicestershire", "Rutland"]
    leicester, county, rutland = le_male.places
    assert county.value is None and county.rag_basis == "no data"
    assert rutland.value > leicester.value
    assert pledge_comparisons(loaded, 2)[0].note
    with pytest.raises(NotFoundError):
        pledge_comparisons(loaded, 9)


def test_trend_points_are_in_time_order_with_englands_value(loaded):
    (male, female) = trends(loaded, 90366, "E06000016")
    assert (male.sex, female.sex) == ("Male", "Female")
    keys = [p.sortable for p in male.points]
    assert keys == sorted(keys) and len(keys) == len(set(keys)) >= 5
    assert all(p.england_value is not None for p in male.points)


def test_inequality_series_orders_groups_from_most_deprived(loaded):
    (series,) = inequality_series(loaded, 92033)
    assert series.points[0].category.startswith("Most") and series.points[-1].category.startswith("Least")
    assert series.slope is not None and series.slope < 0  # obesity falls as deprivation falls
    assert series.sii == -series.slope  # low is good: the SII says the least deprived fare better
    assert "equal shares" in series.weights


def test_sii_of_an_exact_line_is_its_slope():
    ranks = np.array([0.1, 0.3, 0.5, 0.7, 0.9])
    _, slope, intercept = fit_sii(70 + 10 * ranks, np.ones(5))
    assert slope == pytest.approx(10) and intercept == pytest.approx(70)


@given(st.lists(st.floats(1, 1e5), min_size=2, max_size=10), st.floats(-50, 50), st.floats(-100, 100))
def test_sii_recovers_any_line_whatever_the_weights(weights, slope, intercept):
    w = np.array(weights)
    share = w / w.sum()
    rank = np.cumsum(share) - share / 2
    ranks, fitted, b = fit_sii(intercept + slope * rank, w)
    assert np.allclose(ranks, rank) and fitted == pytest.approx(slope, abs=1e-6) and b == pytest.approx(intercept, abs=1e-6)


def test_decile_labels_sort_most_to_least_deprived():
    labels = ["Least deprived decile (IMD2019)", "Fifth less deprived decile", "Second most deprived decile",
              "Most deprived decile (IMD2019)", "Third more deprived decile", "Second least deprived decile"]
    assert sorted(labels, key=deprivation_order) == [labels[3], labels[2], labels[4], labels[1], labels[5], labels[0]]
