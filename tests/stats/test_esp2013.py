"""ESP2013 weights for age-band labels: an open top band below 90 is collapsed explicitly (its weight is the
sum of the standard's bands from its start), never silently given its first five-year band's weight."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pophealth.stats import dsr, esp2013_for
from pophealth.stats.esp2013 import ESP2013, ESP2013_BANDS

TO_85_PLUS = [*ESP2013_BANDS[:17], "85+"]


def test_85_plus_gets_the_85_89_and_90_plus_weights():
    w = esp2013_for(pd.Series(TO_85_PLUS))
    assert w[-1] == 1500 + 1000  # ESP2013: 85-89 = 1,500, 90+ = 1,000
    assert w.sum() == 100_000 == sum(ESP2013)


def test_other_wordings_and_the_standard_top_band():
    assert esp2013_for(pd.Series(["75 and over"]))[0] == 4000 + 2500 + 1500 + 1000
    assert esp2013_for(pd.Series(list(ESP2013_BANDS))).tolist() == list(ESP2013)


def test_an_open_band_overlapping_a_closed_one_is_refused():
    assert np.isnan(esp2013_for(pd.Series(["85+", "90-94"]))[0])
    assert np.isnan(esp2013_for(pd.Series(["87+"]))[0])  # not an ESP2013 band start


def test_dsr_with_85_plus_equals_the_dsr_of_the_same_rates_in_19_bands():
    rate = np.linspace(0.0005, 0.12, 19)  # mortality rising with age
    pop19 = np.full(19, 10_000.0)
    full = pd.DataFrame({"count": rate * pop19, "pop": pop19, "stdpop": ESP2013})
    # the same population with 85-89 and 90+ merged: one rate for 85+ weighted as the standard weights them
    r85 = (rate[17] * 1500 + rate[18] * 1000) / 2500
    pop18 = np.append(pop19[:17], 20_000.0)
    merged = pd.DataFrame({"count": np.append(rate[:17] * pop19[:17], r85 * 20_000), "pop": pop18,
                           "ageband": TO_85_PLUS})
    merged["stdpop"] = esp2013_for(merged["ageband"])
    assert dsr(merged).value[0] == pytest.approx(dsr(full).value[0], rel=1e-12)
