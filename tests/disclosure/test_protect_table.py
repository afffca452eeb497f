"""Disclosure control: the default policy and the guarantee that differencing recovers nothing."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pophealth.disclosure import DEFAULT_POLICY, DisclosurePolicy, is_count_column, protect_table


@pytest.mark.parametrize(("true", "published"), [(0, 0), (8, 10), (12, 10), (13, 15), (100, 100), (102, 100), (103, 105)])
def test_rounding_to_nearest_five(true, published):
    assert DEFAULT_POLICY.round(true) == published


@pytest.mark.parametrize("true", range(1, 8))
def test_counts_one_to_seven_are_suppressed(true):
    assert DEFAULT_POLICY.is_small(true)
    assert not DEFAULT_POLICY.is_small(8) and not DEFAULT_POLICY.is_small(0)


@pytest.mark.parametrize("name", ["count", "numerator", "denominator", "admissions_count"])
def test_count_column_names(name):
    assert is_count_column(name)
    assert not is_count_column("value") and not is_count_column("counter")


def test_rates_from_suppressed_counts_are_suppressed():
    table = pd.DataFrame({"area": ["A", "B"], "numerator": [3, 40], "denominator": [100, 200], "value": [3.0, 20.0],
                          "lower_ci": [0.6, 14.7]})
    # each area is its own group: no published total within the table
    out = protect_table(table, group_by=["area"], count_columns=["numerator", "denominator"])
    assert out.loc[0, ["numerator", "value", "lower_ci"]].isna().all()
    assert out.loc[1, "numerator"] == 40 and out.loc[1, "value"] == 20.0
    # by default the whole table is treated as cells of one total, so a partner is hidden too
    assert protect_table(table, count_columns=["numerator", "denominator"])["numerator"].isna().all()


def test_single_suppressed_cell_in_a_group_gets_a_partner():
    table = pd.DataFrame({"area": ["X"] * 4, "category": ["a", "b", "c", "Total"], "count": [3, 50, 20, 73]})
    out = protect_table(table, group_by=["area"])
    assert out["count"].isna().sum() == 2
    assert pd.isna(out.loc[0, "count"]) and pd.isna(out.loc[2, "count"])  # 20 is the smallest other cell
    assert out.loc[3, "count"] == 75


def test_configurable_threshold():
    policy = DisclosurePolicy(max_suppressed=9, rounding_base=10)
    out = protect_table(pd.DataFrame({"g": [1, 1, 1], "count": [9, 60, 69]}), policy=policy, group_by=["g"])
    assert out["count"].isna().tolist() == [True, True, False]
    assert out.loc[2, "count"] == 70


cells = st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=8)


@settings(max_examples=300, deadline=None)
@given(st.lists(cells, min_size=1, max_size=4))
def test_no_suppressed_cell_can_be_recovered_by_differencing(groups):
    """For every area (cells plus a total row), bound each suppressed cell using every published figure.

    Published counts are rounded to the nearest 5, so a published p means the truth lies in
    [p-2, p+2]; a suppressed cell is known to be at least 1 (zero is published). A cell is recovered
    when those bounds leave exactly one possible value.
    """
    rows = []
    for a, values in enumerate(groups):
        rows += [{"area": a, "category": f"c{i}", "count": v} for i, v in enumerate(values)]
        rows.append({"area": a, "category": "Total", "count": sum(values)})
    out = protect_table(pd.DataFrame(rows), group_by=["area"])
    for _, frame in out.groupby("area"):
        cells_out = frame[frame.category != "Total"]["count"]
        total = frame[frame.category == "Total"]["count"].iloc[0]
        published = [v for v in cells_out if not pd.isna(v)]
        n_hidden = int(cells_out.isna().sum())
        # published counts are never small
        assert all(v == 0 or v > DEFAULT_POLICY.max_suppressed for v in published)
        if pd.isna(total) or n_hidden == 0:
            continue
        assert n_hidden >= 2, "a published total with one hidden cell gives it away"
        # the hidden cells add up to at most `hi`; each is at least 1, so one hidden cell is at most
        # hi - (n_hidden - 1); it is pinned down only if that upper bound is 1
        hi = (total + 2) - sum(v - 2 if v else 0 for v in published)
        assert hi - (n_hidden - 1) > 1, "bounds leave a single possible value"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=200), min_size=1, max_size=30))
def test_every_published_count_is_zero_or_a_rounded_large_count(values):
    out = protect_table(pd.DataFrame({"count": values}), group_by=None)
    for true, pub in zip(values, out["count"]):
        if pd.isna(pub):
            continue
        assert pub % 5 == 0 and abs(pub - true) <= 2 and (pub == 0 or pub >= 10)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.integers(min_value=0, max_value=40), min_size=3, max_size=3), min_size=2, max_size=4))
def test_two_way_tables_leave_no_lone_hidden_cell_in_any_row_or_column(grid):
    """Areas × age bands with area totals and band totals: every row and column is safe."""
    rows = []
    for a, values in enumerate(grid):
        rows += [{"area": f"a{a}", "band": f"b{b}", "count": v} for b, v in enumerate(values)]
        rows.append({"area": f"a{a}", "band": "Total", "count": sum(values)})
    for b in range(3):
        rows.append({"area": "Total", "band": f"b{b}", "count": sum(r[b] for r in grid)})
    out = protect_table(pd.DataFrame(rows), group_by=[["area"], ["band"]])
    for key in ("area", "band"):
        for _, frame in out[out[key] != "Total"].groupby(key):
            assert frame["count"].isna().sum() != 1
