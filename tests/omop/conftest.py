"""Tiny inline OMOP tables, put into each engine: DuckDB always, PySpark when the spark marker runs.

The rows go first into an in-memory warehouse (so they have exactly the warehouse's schema), and
from there into Spark as temporary views through Arrow.
"""

from __future__ import annotations

import ibis
import pandas as pd
import pytest

from pophealth.omop import Cdm
from pophealth.warehouse import connect

TABLES = ("person", "observation_period", "visit_occurrence", "condition_occurrence", "measurement",
          "observation", "procedure_occurrence", "drug_exposure", "death", "location_lsoa",
          "care_site_practice", "geo_lsoa21")


def build_cdm(engine_name: str, rows: dict[str, list[dict]]) -> Cdm:
    """A Cdm on the engine holding ``rows`` (table -> records); every other CDM table is empty.

    Rows go through a DuckDB warehouse with the real schema first, so both engines see the same types.
    """
    con = connect(":memory:")
    for table, records in rows.items():
        con.register("_rows", pd.DataFrame.from_records(records))
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _rows")
        con.unregister("_rows")
    if engine_name == "duckdb":
        return Cdm(ibis.duckdb.from_connection(con))
    from pophealth.warehouse.engines import local_spark_session

    session = local_spark_session()
    for table in TABLES:
        session.createDataFrame(con.sql(f"SELECT * FROM {table}").to_arrow_table()).createOrReplaceTempView(table)
    return Cdm(ibis.pyspark.connect(session))


@pytest.fixture(
    scope="session",
    params=["duckdb", pytest.param("pyspark", marks=[pytest.mark.spark, pytest.mark.xdist_group("spark")])],
)
def engine(request) -> str:
    return request.param


@pytest.fixture
def make_cdm(engine):
    """``make_cdm(person=[...], measurement=[...])``: a Cdm on the engine under test holding these rows."""
    def build(**rows: list[dict]) -> Cdm:
        return build_cdm(engine, rows)

    return build
