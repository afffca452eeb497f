"""Invariants of the XmR engine, checked on generated series (hypothesis).

Integer data keep every sum and moving range exact in doubles, so the invariants hold exactly,
points sitting exactly on the mean or a limit included.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from pophealth.spc import SpcOptions, xmr, xmr_many

values_st = st.lists(st.one_of(st.integers(-500, 500), st.none()), min_size=1, max_size=40)
complete_st = st.lists(st.integers(-500, 500), min_size=2, max_size=40)
direction_st = st.sampled_from(["increase", "decrease", "neutral"])
FLIP = {"increase": "decrease", "decrease": "increase", "neutral": "neutral"}
MIRROR = {
    "special_cause_neutral_high": "special_cause_neutral_low",
    "special_cause_neutral_low": "special_cause_neutral_high",
}


def _float(values: list[int | None]) -> list[float]:
    return [np.nan if v is None else float(v) for v in values]


@settings(max_examples=150, deadline=None)
@given(values_st, st.booleans())
def test_limits_are_symmetric_about_the_mean(values, screening) -> None:
    pts = xmr(_float(values), screening=screening).points
    upper, lower = pts["upl"] - pts["mean"], pts["mean"] - pts["lpl"]
    assert np.allclose(upper, lower, rtol=1e-12, atol=1e-9, equal_nan=True)
    assert ((pts["lpl"] <= pts["mean"]) | pts["lpl"].isna()).all()


@settings(max_examples=150, deadline=None)
@given(values_st, st.integers(-1000, 1000), st.booleans(), direction_st)
def test_adding_a_constant_moves_the_limits_and_changes_no_signal(values, c, screening, direction) -> None:
    a = xmr(_float(values), screening=screening, improvement=direction)
    b = xmr([v + c for v in _float(values)], screening=screening, improvement=direction)
    for col in ("mean", "lpl", "upl"):
        assert np.allclose(a.points[col] + c, b.points[col], rtol=1e-12, atol=1e-9, equal_nan=True)
    for col in ("special_cause_type", "point_type"):
        assert list(a.points[col]) == list(b.points[col])
    assert a.variation_icon == b.variation_icon


@settings(max_examples=150, deadline=None)
@given(values_st, direction_st, st.integers(-600, 600), st.booleans())
def test_mirroring_the_data_and_the_direction_keeps_improvement_and_concern(values, direction, target,
                                                                           screening) -> None:
    a = xmr(_float(values), improvement=direction, target=target, screening=screening)
    b = xmr([-v for v in _float(values)], improvement=FLIP[direction], target=-target, screening=screening)
    assert [MIRROR.get(t, t) for t in a.points["point_type"]] == list(b.points["point_type"])
    assert a.assurance_icon == b.assurance_icon


@settings(max_examples=150, deadline=None)
@given(values_st, direction_st)
def test_missing_points_are_never_flagged(values, direction) -> None:
    pts = xmr(_float(values), improvement=direction).points
    missing = pts["value"].isna()
    assert not pts.loc[missing, "special_cause_flag"].any()
    assert (pts.loc[missing, "special_cause_type"] == "Common Cause").all()


@settings(max_examples=100, deadline=None)
@given(complete_st, complete_st, direction_st, st.booleans())
def test_a_rebase_makes_each_segment_a_chart_of_its_own(first, second, direction, screening) -> None:
    values = _float(first + second)
    dates = pd.date_range("2021-01-01", periods=len(values), freq="MS")
    whole = xmr(values, dates, rebase_points=[dates[len(first)]], improvement=direction, screening=screening)
    alone = xmr(values[len(first):], dates[len(first):], improvement=direction, screening=screening)
    tail = whole.points.iloc[len(first):].reset_index(drop=True)
    for col in ("mean", "lpl", "upl"):
        assert np.allclose(tail[col], alone.points[col], equal_nan=True)
    assert list(tail["point_type"]) == list(alone.points["point_type"])
    assert whole.variation_icon == alone.variation_icon


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(values_st, direction_st, st.booleans()), min_size=1, max_size=6), st.randoms())
def test_many_series_match_one_at_a_time_whatever_the_row_and_series_order(series, rnd) -> None:
    frames, options = [], {}
    for i, (values, direction, screening) in enumerate(series):
        dates = pd.date_range("2020-01-01", periods=len(values), freq="D")
        frames.append(pd.DataFrame({"series_id": f"s{i}", "date": dates, "value": _float(values)}))
        options[f"s{i}"] = SpcOptions(improvement=direction, screen_outliers=screening, target=0.0)
    data = pd.concat(frames, ignore_index=True)
    shuffled = data.sample(frac=1.0, random_state=rnd.randint(0, 2**31)).reset_index(drop=True)
    batch = xmr_many(shuffled, options)
    by_id = batch.series.set_index("series_id")
    for i, (values, direction, screening) in enumerate(series):
        one = xmr(_float(values), pd.date_range("2020-01-01", periods=len(values), freq="D"),
                  improvement=direction, screening=screening, target=0.0)
        row = by_id.loc[f"s{i}"]
        assert (row["variation_icon"], row["assurance_icon"]) == (one.variation_icon, one.assurance_icon)
        pts = batch.points[batch.points["series_id"] == f"s{i}"].reset_index(drop=True)
        assert list(pts["special_cause_type"]) == list(one.points["special_cause_type"])
        assert np.allclose(pts["upl"], one.points["upl"], equal_nan=True)
