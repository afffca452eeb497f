"""The warehouse's OMOP tables on Spark: exported from DuckDB to Parquet, read by Spark as views.

Why: ``POPHEALTH_ENGINE=pyspark pophealth phm run`` must compute on Spark from the same data the DuckDB run
reads, and store its results in the same warehouse. On a laptop or server the tables live in the DuckDB
file, so they are written once to Parquet (columnar, typed: dates stay dates) and Spark reads those files
(``spark.read.parquet``) under their CDM names. On a cluster the tables are already in the catalogue and a
notebook passes its own session and ``export=False``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import ibis

from pophealth.omop import Cdm

# every table the PHM definitions read (pophealth.phm, pophealth.omop)
SPARK_TABLES = ("person", "observation_period", "visit_occurrence", "condition_occurrence", "measurement",
                "observation", "procedure_occurrence", "drug_exposure", "death", "location_lsoa",
                "care_site_practice", "geo_lsoa21")


def spark_cdm(con: duckdb.DuckDBPyConnection, folder: Path, session: Any = None) -> Cdm:
    """The warehouse's OMOP tables as Spark views (``folder`` receives one Parquet file per table)."""
    from pophealth.warehouse.engines import local_spark_session

    session = session or local_spark_session()
    folder.mkdir(parents=True, exist_ok=True)
    for table in SPARK_TABLES:
        path = folder / f"{table}.parquet"
        con.execute(f"COPY (SELECT * FROM {table}) TO '{path}' (FORMAT parquet)")
        session.read.parquet(str(path)).createOrReplaceTempView(table)
    return Cdm(ibis.pyspark.connect(session))
