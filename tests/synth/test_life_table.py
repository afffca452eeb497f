"""Life expectancy and its Chiang standard error."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pophealth.synth.life_table import life_expectancy, life_expectancy_se

RATES = st.lists(st.floats(0.0005, 0.3), min_size=19, max_size=19)


@settings(max_examples=50, deadline=None)
@given(RATES, st.integers(0, 17), st.floats(1.1, 3.0))
def test_life_expectancy_falls_when_any_band_mortality_rises(rates, band, factor):
    years = np.full(19, 1000.0)
    base = life_expectancy(np.array(rates) * years, years)
    worse = np.array(rates)
    worse[band] *= factor
    assert life_expectancy(worse * years, years) < base


@settings(max_examples=50, deadline=None)
@given(RATES, st.integers(2, 50))
def test_standard_error_shrinks_with_the_square_root_of_the_population(rates, k):
    """Same rates on k times the deaths and person-years: LE unchanged, SE divided by sqrt(k)."""
    years = np.full(19, 2000.0)
    deaths = np.array(rates) * years
    se = life_expectancy_se(deaths, years)
    assert se > 0
    assert np.isclose(life_expectancy(deaths * k, years * k), life_expectancy(deaths, years))
    assert np.isclose(life_expectancy_se(deaths * k, years * k), se / np.sqrt(k), rtol=1e-9)


def test_constant_hazard_gives_its_reciprocal():
    """With one rate m at every age, LE is close to 1/m (exact for the open band, Chiang for the rest)."""
    years = np.full(19, 1e6)
    m = 0.02
    assert abs(life_expectancy(years * m, years) - 1 / m) < 0.1
