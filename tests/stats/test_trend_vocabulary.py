"""Recent trend: markers in the vocabulary of the Fingertips code base they are compared with, and the test
chosen by the indicator's own use-proportions flag (fingertips-open TrendMarkerCalculator)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pophealth.stats import recent_trend


def _flat(**extra) -> pd.DataFrame:
    years = np.arange(2015, 2020)
    return pd.DataFrame({"year": years, "count": 100, "denominator": 1000, "value": 10.0, "lower95": 8.2,
                         "upper95": 12.1, "polarity": "higher is better", **extra})


def test_no_change_in_each_vocabulary():
    nxt = recent_trend(_flat(), method=None).iloc[0]
    assert nxt["marker"] == "NoSignificantChange" and nxt["marker_polarity_adjusted"] == "NoSignificantChange"
    opn = recent_trend(_flat(), method=None, vocabulary="fingertips-open").iloc[0]
    assert opn["marker"] == "NoChange" and opn["marker_polarity_adjusted"] is None  # no combined wording
    assert nxt["label"] == opn["label"] == "No significant change"
    with pytest.raises(ValueError, match="vocabulary"):
        recent_trend(_flat(), method=None, vocabulary="phof")


def test_method_follows_the_indicator_flag_not_the_unit():
    rising = _flat(use_proportions_for_trend=True).assign(
        count=[100, 120, 140, 160, 180], value=[10.0, 12.0, 14.0, 16.0, 18.0])
    # limits so wide that the CI-weighted test finds nothing, while the counts rise strongly
    rising["lower95"], rising["upper95"] = rising.value - 9, rising.value + 9
    assert recent_trend(rising, method=None).iloc[0]["marker"] == "Increasing"  # chi-squared on proportions
    flagged_off = rising.assign(use_proportions_for_trend=False)
    assert recent_trend(flagged_off, method=None).iloc[0]["marker"] == "NoSignificantChange"  # CI-weighted
