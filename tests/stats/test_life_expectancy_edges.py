"""Life expectancy when the open 90+ band has no population (METHODS.md section 7; PHEindicatormethods
``phe_life_expectancy``): a population <= 0 in any band, the 90+ band included, suppresses the whole area
(value, limits and the populations and deaths used), says why, and leaves the other areas of a grouped
call as they were. The table of the published example (df1 of the package's tests) is the good area."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pophealth.stats import life_expectancy

AGES = [0, 1] + list(range(5, 95, 5))
POPS = [7060, 35059, 46974, 48489, 43219, 38561, 46009, 57208, 61435, 55601, 50209, 56416, 46411, 39820,
        37978, 37039, 33288, 23306, 11936, 11936]
DEATHS = [17, 9, 4, 8, 20, 15, 24, 33, 50, 71, 100, 163, 263, 304, 536, 872, 1390, 1605, 1936, 1937]
PUBLISHED_E0 = 80.16960813  # the package's expected LE at birth for df1


def _area(name: str, pop90: int, deaths90: int) -> pd.DataFrame:
    return pd.DataFrame({"area": name, "startage": AGES, "pop": POPS[:-1] + [pop90],
                         "deaths": DEATHS[:-1] + [deaths90]})


@pytest.mark.parametrize("deaths90", [0, 5])
def test_zero_population_at_90_plus_suppresses_the_whole_area(deaths90):
    out = life_expectancy(_area("empty 90+", 0, deaths90))
    assert (out["flag"] == "population <= 0 in an age band").all()
    for col in ("value", "lower95", "upper95", "pops_used", "dths_used"):
        assert out[col].isna().all(), col


def test_other_areas_of_a_grouped_call_are_unaffected():
    frame = pd.concat([_area("good", POPS[-1], DEATHS[-1]), _area("empty 90+", 0, 0)], ignore_index=True)
    out = life_expectancy(frame, by="area")
    good = out[out["area"] == "good"].reset_index(drop=True)
    assert good["value"].iloc[0] == pytest.approx(PUBLISHED_E0, abs=1e-6)
    assert (good["flag"] == "").all()
    # the populations and deaths used at each start age: everything from that age up
    assert list(good["pops_used"]) == list(np.cumsum(POPS[::-1])[::-1])
    assert list(good["dths_used"]) == list(np.cumsum(DEATHS[::-1])[::-1])
    empty = out[out["area"] == "empty 90+"]
    assert empty["value"].isna().all() and (empty["flag"] == "population <= 0 in an age band").all()
