"""One PHM run on the warehouse: code lists, every definition, person-level results and aggregates.

A run is recorded in ``phm_run`` (run id, index date, definitions and code-list versions, engine, and the
population version it was computed on: ``pophealth.warehouse.versions``) and all its rows land in one
transaction, so a failed run leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import ibis
import ibis.expr.types as ir

from pophealth.errors import ConfigError
from pophealth.omop import Cdm
from pophealth.phm import cohorts as cohort_defs
from pophealth.phm.codelists import codes_for, load_codelists
from pophealth.phm.context import PhmContext
from pophealth.phm.definitions import definitions_version
from pophealth.phm.frailty import FrailtyScorer
from pophealth.phm.outputs import aggregates, insert
from pophealth.phm.pipeline import PhmResults, compute
from pophealth.settings import current
from pophealth.warehouse import connect, transaction
from pophealth.warehouse.versions import record_population

STEPS = ("code lists", "definitions", "person results", "registers", "cohorts", "care gaps", "aggregates")
Progress = Callable[[str], None]


def default_index_date(con: duckdb.DuckDBPyConnection) -> dt.date:
    """The extract date: the latest end of any observation period (today when there are none)."""
    latest = con.execute("SELECT max(observation_period_end_date) FROM observation_period").fetchall()[0][0]
    return latest or dt.date.today()


def run_phm(db: Path | str | None = None, *, index_date: dt.date | None = None,
            con: duckdb.DuckDBPyConnection | None = None, scorer: FrailtyScorer | None = None,
            progress: Progress | None = None, engine: str | None = None, spark_session: Any = None) -> str:
    """Run every definition on the warehouse and store the results in it; returns the run id.

    ``engine`` (default: the ``POPHEALTH_ENGINE`` setting) is where the definitions are computed: ``duckdb``
    in the warehouse itself, or ``pyspark`` on the warehouse's OMOP tables exported to Parquet
    (``pophealth.warehouse.spark``). Either way the results go through a sink into the same tables, and the
    aggregates are computed from the stored person-level rows, so the two engines' summaries compare."""
    engine = engine or current().engine
    if engine not in ("duckdb", "pyspark"):
        raise ConfigError(f"Unknown engine {engine!r}; expected 'duckdb' or 'pyspark'")
    own = con is None
    raw = connect(db) if own else con
    step = progress or (lambda name: None)
    try:
        step(STEPS[0])
        version = load_codelists(raw)
        index_date = index_date or default_index_date(raw)
        population = record_population(raw, "phm run")  # the version these results describe
        run = {"run_id": f"{index_date:%Y%m%d}-{uuid.uuid4().hex[:8]}", "index_date": index_date,
               "definitions_version": definitions_version(), "codelist_version": version,
               "started_at": dt.datetime.now(), "population_version": population.version_id,
               "population_content_id": population.content_id, "engine": engine}
        with tempfile.TemporaryDirectory(prefix="pophealth-spark-") as folder:
            cdm, sink = _engine(raw, engine, Path(folder), spark_session)
            ctx = PhmContext.create(cdm, index_date, codes_for(raw, version))
            step(STEPS[1])
            results = compute(ctx, scorer)
            try:
                _store(raw, sink, results, run, step)
            finally:
                results.release()
        return run["run_id"]
    finally:
        if own:
            raw.close()


Sink = Callable[[str, str, ir.Table], None]
"""``sink(table, run_id, expr)``: add the rows of ``expr`` with the run id to a warehouse table."""


def _engine(raw: duckdb.DuckDBPyConnection, engine: str, folder: Path, session: Any) -> tuple[Cdm, Sink]:
    """The OMOP tables on ``engine`` and the sink that brings its results into the warehouse."""
    if engine == "duckdb":
        backend = ibis.duckdb.from_connection(raw)
        return Cdm(backend), lambda table, run_id, expr: insert(raw, backend, table, run_id, expr)
    if engine == "pyspark":
        from pophealth.warehouse.spark import spark_cdm

        return spark_cdm(raw, folder, session), lambda table, run_id, expr: _insert_parquet(
            raw, folder / "results" / table, table, run_id, expr)
    raise ConfigError(f"Unknown engine {engine!r}; expected 'duckdb' or 'pyspark'")


def _insert_parquet(raw: duckdb.DuckDBPyConnection, path: Path, table: str, run_id: str, expr: ir.Table) -> None:
    """Results computed on Spark are written by Spark's own workers to Parquet and read by DuckDB by column
    name. Never collected through the Spark driver: a million people's rows brought back as pandas ran the
    driver out of memory, where Parquet streams from the workers to disk and from disk into the warehouse."""
    expr.to_parquet(path)
    files = sorted(str(f) for f in path.glob("*.parquet"))
    if files:  # no rows may mean no file at all
        raw.execute(f"INSERT INTO {table} BY NAME SELECT ? AS run_id, * FROM read_parquet(?)", [run_id, files])


def _store(raw: duckdb.DuckDBPyConnection, sink: Sink, results: PhmResults, run: dict, step: Progress) -> None:
    """Every table of the run in one transaction, the ``phm_run`` row last."""
    run_id = run["run_id"]
    backend = ibis.duckdb.from_connection(raw)  # the aggregates are computed from the stored rows
    with transaction(raw):
        for name, table, expr in (
            (STEPS[2], "phm_person", results.person),
            (STEPS[3], "phm_person_register", results.registers.select("person_id", "register")),
            (STEPS[4], "phm_person_cohort", results.cohorts),
            (STEPS[5], "phm_care_gap", results.care_gaps),
        ):
            step(name)
            sink(table, run_id, expr)
        step(STEPS[6])

        def stored(table: str):
            return backend.table(table).filter(ibis._.run_id == run_id).drop("run_id")

        frame = aggregates(stored("phm_person"), stored("phm_person_cohort"), stored("phm_care_gap"),
                           cohort_defs.cohort_names())
        raw.register("_phm_aggregate", frame)
        raw.execute("INSERT INTO phm_aggregate BY NAME SELECT ? AS run_id, * FROM _phm_aggregate", [run_id])
        raw.unregister("_phm_aggregate")
        people = raw.execute("SELECT count(*) FROM phm_person WHERE run_id = ?", [run_id]).fetchall()[0][0]
        raw.execute("""INSERT INTO phm_run (run_id, index_date, definitions_version, codelist_version, engine,
                       people, started_at, finished_at, population_version, population_content_id)
                       VALUES (?, ?, ?, ?, ?, ?, ?, now(), ?, ?)""",
                    [run_id, run["index_date"], run["definitions_version"], run["codelist_version"], run["engine"],
                     people, run["started_at"], run["population_version"], run["population_content_id"]])


def latest_run(con: duckdb.DuckDBPyConnection) -> str | None:
    rows = con.execute("SELECT run_id FROM phm_run ORDER BY finished_at DESC, run_id DESC LIMIT 1").fetchall()
    return rows[0][0] if rows else None
