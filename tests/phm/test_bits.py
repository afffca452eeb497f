"""Memberships packed as bits give the same flags as one check per name, across several integers."""

from __future__ import annotations

import ibis
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from pophealth.phm.bits import BITS, membership_flags

NAMES = [f"n{i:03d}" for i in range(BITS * 2 + 5)]  # three integers: the second and third are used too


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 6), st.sampled_from(NAMES)), min_size=1, max_size=60))
def test_flags_are_each_persons_names(rows):
    long = pd.DataFrame(rows, columns=["person_id", "name"])
    con = ibis.duckdb.connect()
    flags = membership_flags(con.create_table("long", long, overwrite=True), "name", NAMES, "f_").to_pandas()
    expected = {pid: set(g.name) for pid, g in long.groupby("person_id")}  # worked out with pandas
    assert set(flags.person_id) == set(expected)
    for _, row in flags.iterrows():
        assert {n for n in NAMES if row[f"f_{n}"]} == expected[row.person_id]
