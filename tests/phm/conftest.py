"""Tiny inline OMOP tables on DuckDB and (spark marker) PySpark, reusing the engine fixture of tests/omop."""

from __future__ import annotations

import ibis
import pandas as pd
import pytest

from pophealth.omop import Cdm
from pophealth.warehouse import connect
from tests.omop.conftest import engine  # noqa: F401  (the engine-parametrised fixture)

PHM_TABLES = ("person", "observation_period", "visit_occurrence", "condition_occurrence", "measurement",
              "observation", "procedure_occurrence", "drug_exposure", "death", "location_lsoa",
              "care_site_practice", "geo_lsoa21")


def build_cdm(engine_name: str, rows: dict[str, list[dict]]) -> Cdm:
    """A Cdm on the engine holding ``rows`` (table -> records); every other PHM table is empty."""
    con = connect(":memory:")
    for table, records in rows.items():
        con.register("_rows", pd.DataFrame.from_records(records))
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _rows")
        con.unregister("_rows")
    if engine_name == "duckdb":
        return Cdm(ibis.duckdb.from_connection(con))
    from pophealth.warehouse.engines import local_spark_session

    session = local_spark_session()
    for table in PHM_TABLES:
        session.createDataFrame(con.sql(f"SELECT * FROM {table}").to_arrow_table()).createOrReplaceTempView(table)
    return Cdm(ibis.pyspark.connect(session))
