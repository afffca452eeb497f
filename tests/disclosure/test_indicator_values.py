"""The policy refuses counts it cannot protect honestly, and indicator rows are protected as groups."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pophealth.disclosure import DEFAULT_POLICY, DisclosureError
from pophealth.disclosure.indicators import protect_indicator_values


@pytest.mark.parametrize("bad", [math.inf, -math.inf, -5, -0.5, 1e308 * 10])
def test_infinite_and_negative_counts_are_refused(bad):
    with pytest.raises(DisclosureError):
        DEFAULT_POLICY.is_small(bad)
    with pytest.raises(DisclosureError):
        DEFAULT_POLICY.round(bad)


@pytest.mark.parametrize("count", [7.2, 7.49, 7.99, 0.3])
def test_a_fractional_count_below_eight_is_suppressed_not_rounded_to_five(count):
    assert DEFAULT_POLICY.is_small(count)
    assert not DEFAULT_POLICY.is_small(8.0)


def _rows(counts: dict[str, float | None], values: dict[str, float | None] | None = None) -> pd.DataFrame:
    values = values or {s: (None if c is None else 10.0 * c) for s, c in counts.items()}
    return pd.DataFrame([{"indicator_id": 1, "area_code": "E06000017", "sex": sex, "age": "All ages",
                          "time_period": "2020", "category_type": "", "category": "", "count": count,
                          "denominator": 1000.0, "value": values[sex], "lower_ci95": values[sex],
                          "upper_ci95": values[sex]} for sex, count in counts.items()])


def test_a_small_count_takes_its_rate_and_limits_and_a_partner_with_it():
    out = protect_indicator_values(_rows({"Persons": 50, "Male": 3, "Female": 47})).set_index("sex")
    assert out.loc["Male", ["count", "value", "lower_ci95", "upper_ci95"]].isna().all()
    assert out.loc["Female", ["count", "value"]].isna().all()  # else Persons - Female = Male
    assert out.loc["Persons", "count"] == 50 and out.loc["Persons", "value"] == 500.0
    assert (out["denominator"] == 1000).all()


def test_a_count_missing_beside_published_ones_is_withheld_like_a_small_one():
    out = protect_indicator_values(_rows({"Persons": 50, "Male": None, "Female": 47},
                                         {"Persons": 5.0, "Male": 0.3, "Female": 4.7})).set_index("sex")
    assert pd.isna(out.loc["Male", "value"]) and pd.isna(out.loc["Female", "value"])


def test_rows_without_counts_are_left_as_published():
    rows = _rows({"Persons": None, "Male": None, "Female": None}, {"Persons": 80.1, "Male": 78.0, "Female": 82.2})
    pd.testing.assert_frame_equal(protect_indicator_values(rows), rows, check_dtype=False)


@given(st.lists(st.integers(0, 60), min_size=3, max_size=3))
def test_no_group_of_sexes_has_exactly_one_hidden_value_and_no_small_count_keeps_its_value(counts):
    persons, male, female = sum(counts[1:]), counts[1], counts[2]
    out = protect_indicator_values(_rows({"Persons": persons, "Male": male, "Female": female}))
    hidden = out["value"].isna()
    assert hidden.sum() != 1
    for count, gone in zip((persons, male, female), hidden):
        assert gone or not (0 < count <= 7)
    assert all(pd.isna(c) or c % 5 == 0 for c in out["count"])
