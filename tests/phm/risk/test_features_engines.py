"""The risk models' inputs on every engine: the spec population's features at the spec date are the same on
PySpark as on DuckDB, so ``POPHEALTH_ENGINE=pyspark pophealth phm risk train`` trains on the same numbers."""

from __future__ import annotations

import pandas as pd

from pophealth.phm.risk.features import build_features
from tests.phm import spec_data
from tests.phm.conftest import build_cdm


def test_features_are_the_same_on_every_engine(engine):
    on_engine = build_features(build_cdm(engine, spec_data.tables()), spec_data.T)
    on_duckdb = build_features(build_cdm("duckdb", spec_data.tables()), spec_data.T)
    assert len(on_duckdb) > 0 and on_duckdb["ea_12m"].notna().all()
    pd.testing.assert_frame_equal(on_engine.sort_index()[on_duckdb.columns], on_duckdb.sort_index(),
                                  check_dtype=False)
