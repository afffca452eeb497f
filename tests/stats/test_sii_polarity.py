"""SII polarity: for "low is good" indicators the method's convention is a negative multiplier (METHODS.md
section 8), so the SII is the same size with the opposite sign, the RII is inverted and limits swap."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pophealth.stats import sii


def _deciles() -> pd.DataFrame:
    value = np.linspace(30.0, 12.0, 10)  # a rate falling from the most to the least deprived decile
    return pd.DataFrame({"quantile": np.arange(1, 11), "population": 10_000.0, "value": value,
                         "lower_cl": value - 2, "upper_cl": value + 2})


def test_low_is_good_flips_the_sign_and_inverts_the_rii():
    plain = sii(_deciles(), seed=1, repetitions=2000).iloc[0]
    flipped = sii(_deciles(), seed=1, repetitions=2000, polarity="lower is better").iloc[0]
    assert plain["sii"] < 0 < flipped["sii"]
    assert flipped["sii"] == pytest.approx(-plain["sii"], rel=1e-12)
    assert flipped["rii"] == pytest.approx(1 / plain["rii"], rel=1e-12)
    # the same draws; the order-statistic positions are not symmetric, so the swapped limits agree closely
    assert flipped["sii_lower95"] == pytest.approx(-plain["sii_upper95"], rel=2e-3)


def test_high_is_good_and_no_judgement_leave_it_alone():
    plain = sii(_deciles(), seed=1, repetitions=2000).iloc[0]
    for words in ("higher is better", "not applicable"):
        assert sii(_deciles(), seed=1, repetitions=2000, polarity=words).iloc[0]["sii"] == plain["sii"]
