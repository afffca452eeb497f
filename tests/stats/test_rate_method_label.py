"""Crude rates: the interval method label follows the numerator alone (PHEindicatormethods): a missing
denominator leaves the value missing but a count of 10 or more is still labelled ``Byars``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pophealth.stats import crude_rate


def test_missing_denominator_keeps_the_method_label():
    df = pd.DataFrame({"area": ["a", "b", "c"], "numerator": [12, 4, np.nan],
                       "denominator": [np.nan, np.nan, 1000]})
    out = crude_rate(df, by="area").set_index("area")
    assert np.isnan(out.loc["a", "value"]) and out.loc["a", "method"] == "Byars"
    assert out.loc["b", "method"] == "Exact"
    assert out.loc["c", "method"] is None  # no numerator: no interval to name
