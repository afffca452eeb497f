"""DSR by area from patient-level events through Ibis on DuckDB, benchmarked against the whole."""

from __future__ import annotations

import ibis
import numpy as np
import pandas as pd
import pytest

from pophealth.stats import ESP2013, ESP2013_BANDS, dsr
from pophealth.stats.indicators import dsr_with_benchmark


@pytest.fixture
def inline_data():
    """Two areas, equal populations; area B has four times A's event rate in every band."""
    population = pd.DataFrame({"area": np.repeat(["A", "B"], 19),
                               "ageband": list(ESP2013_BANDS) * 2, "pop": 10_000.0})
    rows = []
    for area, per_band in (("A", 5), ("B", 20)):
        for band in ESP2013_BANDS:
            rows += [{"person_id": f"{area}{band}{i}", "area": area, "ageband": band}
                     for i in range(per_band)]
    con = ibis.duckdb.connect()
    events = con.create_table("events", pd.DataFrame(rows))
    return events, population


def test_dsr_by_area_matches_direct_calculation(inline_data) -> None:
    events, population = inline_data
    out = dsr_with_benchmark(events, population).set_index("area")
    # Every band has 5 (A) or 20 (B) events per 10 000, so the DSR is that rate.
    assert out.loc["A", "value"] == pytest.approx(50.0)
    assert out.loc["B", "value"] == pytest.approx(200.0)
    direct = dsr(pd.DataFrame({"count": 20.0, "pop": 10_000.0, "stdpop": ESP2013}))
    assert out.loc["B", "upper95"] == pytest.approx(direct["upper95"].iloc[0])
    assert out.loc["A", "comparator_value"] == pytest.approx(125.0)
    assert out.loc["A", "significance"] == "Better" and out.loc["B", "significance"] == "Worse"
