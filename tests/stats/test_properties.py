"""Invariants that must hold for any input (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from pophealth.stats import ESP2013, crude_rate, dsr, proportion
from pophealth.stats.intervals import poisson_count_limits, wilson

counts = st.integers(min_value=0, max_value=100_000)


@given(st.integers(0, 10_000), st.integers(1, 10_000))
def test_wilson_limits_bracket_the_proportion(x: int, extra: int) -> None:
    n = x + extra
    for level in (0.95, 0.998):
        lower, upper = wilson(np.array([x]), np.array([n]), level)
        assert 0 <= lower[0] <= x / n <= upper[0] <= 1
    wide_lo, wide_hi = wilson(np.array([x]), np.array([n]), 0.998)
    lo, hi = wilson(np.array([x]), np.array([n]), 0.95)
    assert wide_lo[0] <= lo[0] and hi[0] <= wide_hi[0]


@given(counts)
def test_count_limits_bracket_the_count(o: int) -> None:
    lower, upper = poisson_count_limits(np.array([float(o)]), 0.95)
    assert 0 <= lower[0] <= o <= upper[0]


@given(st.lists(st.tuples(st.integers(0, 500), st.integers(1, 500)), min_size=2, max_size=30))
def test_grouping_matches_one_group_at_a_time(pairs: list[tuple[int, int]]) -> None:
    df = pd.DataFrame(pairs, columns=["numerator", "extra"])
    df["denominator"] = df["numerator"] + df["extra"]
    df["area"] = np.arange(len(df)) % 3
    together = proportion(df, by="area").set_index("area")
    for area, part in df.groupby("area"):
        alone = proportion(part)
        np.testing.assert_allclose(together.loc[area, ["value", "lower95", "upper998"]].astype(float),
                                   alone[["value", "lower95", "upper998"]].iloc[0].astype(float))


@settings(max_examples=50)
@given(st.lists(st.integers(0, 300), min_size=19, max_size=19), st.floats(0.01, 10))
def test_dsr_with_standard_proportional_to_population_is_the_crude_rate(
        counts_by_band: list[int], scale: float) -> None:
    """If each band's population is the standard times a constant, DSR = crude rate."""
    pop = np.array(ESP2013, dtype=float) * scale
    df = pd.DataFrame({"count": counts_by_band, "pop": pop, "stdpop": ESP2013})
    ours = dsr(df)
    crude = crude_rate(df, "count", "pop")
    if sum(counts_by_band) >= 10:
        np.testing.assert_allclose(ours["value"], crude["value"], rtol=1e-12)
        assert ours["lower95"].iloc[0] <= ours["value"].iloc[0] <= ours["upper95"].iloc[0]
    else:
        assert np.isnan(ours["value"].iloc[0])
