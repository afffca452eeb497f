"""The whole PHM refresh on DuckDB and on PySpark local, as the command line runs it, with the stored results compared.

Run: PYTHONPATH=src python benchmarks/bench_phm_spark.py --db /tmp/bench_synth.duckdb [--work DIR]
The warehouse (benchmarks/bench_synth.py writes the full-size one) is copied twice into ``--work``; one copy is
refreshed with ``run_phm(engine="duckdb")``, the other with ``run_phm(engine="pyspark")`` (the path of
``POPHEALTH_ENGINE=pyspark pophealth phm run``: OMOP tables exported to Parquet, computed on Spark, written back
through the sink). Every stored person-level table is then compared row for row, both ways (``EXCEPT ALL``),
without the run id. Prints JSON: wall time and step times per engine, peak memory, rows and differing rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import time
from pathlib import Path

from compare_phm import compare_runs
from pophealth.phm.run import run_phm
from pophealth.warehouse import connect

TABLES = ("phm_person", "phm_person_register", "phm_person_cohort", "phm_care_gap", "phm_aggregate")


def refresh(db: Path, engine: str) -> dict:
    marks: list[tuple[str, float]] = []
    start = time.perf_counter()
    run_id = run_phm(db, engine=engine, progress=lambda name: marks.append((name, time.perf_counter())))
    wall = time.perf_counter() - start
    ends = [t for _, t in marks[1:]] + [start + wall]
    return {"run_id": run_id, "wall_seconds": round(wall, 1),
            "step_seconds": {name: round(end - t, 1) for (name, t), end in zip(marks, ends)}}


def compare(duck_db: Path, duck_run: str, spark_db: Path, spark_run: str) -> dict:
    return {table: {"rows": c["rows_first"], "only_duckdb": c["only_first"], "only_pyspark": c["only_second"]}
            for table, c in compare_runs(duck_db, duck_run, spark_db, spark_run, TABLES).items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, default=Path("/tmp/bench_synth.duckdb"))
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench_phm_spark"))
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    copies = {engine: args.work / f"{engine}.duckdb" for engine in ("duckdb", "pyspark")}
    for path in copies.values():
        shutil.copy(args.db, path)
    con = connect(args.db, read_only=True, migrate=False)
    people = con.execute("SELECT count(*) FROM person").fetchall()[0][0]
    con.close()
    runs = {engine: refresh(path, engine) for engine, path in copies.items()}
    tables = compare(copies["duckdb"], runs["duckdb"]["run_id"], copies["pyspark"], runs["pyspark"]["run_id"])
    print(json.dumps({
        "benchmark": "phm_spark", "people": people, "date": dt.date.today().isoformat(), "cpus": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2), "engines": runs, "tables": tables,
        "identical": all(t["only_duckdb"] == t["only_pyspark"] == 0 for t in tables.values()),
        # this process only; Spark's JVM has its own heap, capped by POPHEALTH_SPARK_MEMORY
        "peak_rss_gb_python": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024, 2),
    }, indent=1))


if __name__ == "__main__":
    main()
