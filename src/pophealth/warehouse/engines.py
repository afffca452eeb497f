"""Ibis backends: the same query code runs on DuckDB (default) and on PySpark when configured.

``POPHEALTH_ENGINE=pyspark`` (or ``engine="pyspark"``) gives a local Spark session; on a cluster
(Databricks in an NHS secure data environment) pass an existing ``SparkSession`` instead.
SQL Server is reached through Ibis's ``mssql`` backend in the same way (see docs/deployment.md).
"""

from __future__ import annotations

from functools import cache
from typing import Any, Literal

import ibis

from pophealth.config import db_path
from pophealth.errors import ConfigError
from pophealth.settings import current
from pophealth.warehouse.served import served_cursor

Engine = Literal["duckdb", "pyspark"]


def backend(engine: Engine | None = None, *, db: Any = None, session: Any = None) -> ibis.BaseBackend:
    """An Ibis backend for the warehouse: DuckDB on the warehouse file, or PySpark."""
    engine = engine or current().engine
    if engine == "duckdb":
        target = db_path(db)
        lent = served_cursor(target)  # inside `pophealth serve`: the server's own database
        return ibis.duckdb.from_connection(lent) if lent is not None else ibis.duckdb.connect(str(target))
    if engine == "pyspark":
        return ibis.pyspark.connect(session or local_spark_session())
    raise ConfigError(f"Unknown engine {engine!r}; expected 'duckdb' or 'pyspark'")


@cache
def local_spark_session() -> Any:
    """One local Spark session per process (starting Spark takes ~15 s, so it is shared)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise ConfigError("PySpark is not installed", hint="pip install 'pophealth[spark]'") from None
    return (
        SparkSession.builder.master(current().spark_master)
        .appName("pophealth")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", current().spark_memory)
        .getOrCreate()
    )
