"""ISR: a missing reference count in a band is 0 reference events (PHEindicatormethods), so the group keeps
its ratio; only a reference with no events at all leaves the expected count zero."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pophealth.stats.isr import isratio


def test_missing_reference_count_counts_as_zero():
    base = pd.DataFrame({"count": [3, 5, 9], "pop": [1000, 800, 500], "refcount": [20, 60, np.nan],
                         "refpop": [10_000, 8_000, 5_000]})
    zero = base.assign(refcount=[20, 60, 0])
    got, want = isratio(base), isratio(zero)
    assert got.flag[0] == "" and not np.isnan(got.value[0])
    # expected = 20/10000*1000 + 60/8000*800 + 0 = 2 + 6 = 8; observed 17
    assert got.expected[0] == pytest.approx(8.0)
    assert got.value[0] == pytest.approx(want.value[0]) == pytest.approx(17 / 8)
