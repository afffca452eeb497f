"""Memberships packed as bits give the same flags as one check per name, across several integers."""

from __future__ import annotations

import ibis
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ibis.common.exceptions import OperationNotDefinedError

from pophealth.phm.bits import BITS, membership_flags
from tests.omop.conftest import build_cdm  # the engine fixture (DuckDB; PySpark under spark) is in conftest

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


def _observation(i: int, pid: int, code: str) -> dict:
    return dict(observation_id=i, person_id=pid, observation_concept_id=0, observation_date="2024-01-01",
                observation_type_concept_id=0, observation_source_value=code)


@pytest.mark.notimpl(["pyspark"], raises=OperationNotDefinedError,
                     reason="Ibis 12 has no bitwise-or aggregate on PySpark: membership_masks keeps one flag per "
                            "name there instead of packed integers")
def test_the_engine_has_a_bitwise_or_aggregate(engine):
    """The known gap behind ``bits.membership_masks``'s two paths, written down with what it raises."""
    cdm = build_cdm(engine, {"observation": [_observation(i, p, "x") for i, p in enumerate([1, 2, 4, 4])]})
    t = cdm.table("observation")
    assert t.aggregate(ored=t.person_id.bit_or()).to_pandas().ored.iloc[0] == 7


def test_memberships_are_the_same_on_either_path(engine):
    """Packed (DuckDB) or one flag per name (PySpark), ``membership_flags`` answers alike."""
    # names in the first, second and third integer of the packed form
    rows = [(1, "n000"), (1, "n070"), (2, "n070"), (3, "n128")]
    cdm = build_cdm(engine, {"observation": [_observation(i, p, v) for i, (p, v) in enumerate(rows)]})
    o = cdm.table("observation")
    long = o.select("person_id", name=o.observation_source_value)
    flags = membership_flags(long, "name", NAMES, "f_").to_pandas().set_index("person_id")
    got = {int(pid): {n for n in NAMES if row[f"f_{n}"]} for pid, row in flags.iterrows()}
    assert got == {1: {"n000", "n070"}, 2: {"n070"}, 3: {"n128"}}
