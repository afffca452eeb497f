"""Small inline series for the decisions SPC.md leaves open, and for option checks."""

from __future__ import annotations

import pytest

from pophealth.errors import ConfigError, InputError
from pophealth.spc import xmr


def test_missing_value_inside_a_near_trend_window_is_not_a_trend() -> None:
    # SPC.md 8.1: the reference errors here; pophealth says "no trend" and does not bridge the gap
    pts = xmr([1, 2, 3, None, 5, 6, 7, 8, 9], screening=False).points
    assert not pts["special_cause_type"].str.contains("Trend").any()


def test_a_trough_shared_by_two_trends_is_increasing() -> None:
    # wide limits from the swings first, so the trough is inside the limits
    values = [10, 30, 10, 30, 10, 30, 20, 19, 18, 17, 16, 15, 14, 15, 16, 17, 18, 19, 20]
    pts = xmr(values, screening=False).points
    assert not pts["outside_limits"].iloc[6:].any()
    assert pts["special_cause_type"].iloc[12] == "7 Point Trend (Increasing)"
    assert pts["special_cause_type"].iloc[11] == "7 Point Trend (Decreasing)"


def test_rule_lengths_are_options() -> None:
    values = [8, 3] * 7 + [6, 7, 6, 7, 6, 7, 6]  # 7 points just above the mean at the end
    assert xmr(values, screening=False).points["special_cause_type"].iloc[-1] == "7 Points Above CL"
    assert xmr(values, screening=False, shift_points=8).points["special_cause_type"].iloc[-1] == "Common Cause"


def test_one_point_and_constant_series_have_no_limits_but_still_chart() -> None:
    one = xmr([4.0])
    assert not one.limits_available and one.variation_icon == "common_cause"
    assert one.trial_limits
    unscreened = xmr([4.0] * 5, screening=False, target=4.0)
    assert unscreened.limits_available and unscreened.assurance_icon == "inconsistent"


@pytest.mark.parametrize("kwargs", [
    {"improvement": "up"}, {"fix_after_n_points": 11}, {"shift_points": 1}, {"target": float("nan")},
])
def test_bad_options_are_refused(kwargs) -> None:
    with pytest.raises(ConfigError):
        xmr([1, 2, 3], **kwargs)


def test_duplicate_dates_and_mismatched_lengths_are_refused() -> None:
    with pytest.raises(InputError, match="once per series"):
        xmr([1, 2], ["2024-01-01", "2024-01-01"])
    with pytest.raises(InputError, match="one date per value"):
        xmr([1, 2], ["2024-01-01"])
    with pytest.raises(InputError):
        xmr([])


def test_rows_are_sorted_by_date_before_anything_else() -> None:
    r = xmr([3, 1, 2], ["2024-03-01", "2024-01-01", "2024-02-01"])
    assert list(r.points["value"]) == [1, 2, 3]
