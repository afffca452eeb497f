"""PHM full refresh on the synthetic population, as JSON: wall time, peak memory, ratio to one full scan.

Run: PYTHONPATH=src python benchmarks/bench_phm.py [--db /tmp/bench_synth.duckdb] [--spark-people 100000]
The warehouse must hold a synthetic population (benchmarks/bench_synth.py writes the full-size one).
The scan baseline reads every column of every event table once (an aggregate over each column), in the
same process, so the ratio says how many "full scans" a PHM refresh costs. With --spark-people N the
first N people are copied to a second warehouse and run on DuckDB and on PySpark local; the person-level
results must be identical.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import time
from pathlib import Path

import ibis
import pandas as pd

from pophealth.omop import Cdm
from pophealth.phm.codelists import codes_for, load_codelists
from pophealth.phm.context import PhmContext
from pophealth.phm.pipeline import compute
from pophealth.phm.run import default_index_date, run_phm
from pophealth.warehouse import connect

EVENT_TABLES = ("condition_occurrence", "observation", "measurement", "procedure_occurrence", "drug_exposure",
                "visit_occurrence", "observation_period", "person", "death")
SPARK_TABLES = (*EVENT_TABLES, "location_lsoa", "care_site_practice", "geo_lsoa21")


def peak_gb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024, 2)


def full_scan(con) -> float:
    start = time.perf_counter()
    for table in EVENT_TABLES:
        cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
        con.execute(f"SELECT {', '.join(f'max({c})' for c in cols)} FROM {table}").fetchall()
    return time.perf_counter() - start


def spark_check(db: Path, people: int) -> dict:
    """The first ``people`` people on DuckDB and on PySpark local: time and whether the results agree."""
    from pophealth.warehouse.engines import local_spark_session

    sub = db.with_name(f"phm_bench_{people}.duckdb")
    sub.unlink(missing_ok=True)
    con = connect(sub)
    con.execute(f"ATTACH '{db}' AS src (READ_ONLY)")
    for table in SPARK_TABLES:
        where = f"WHERE person_id <= {people}" if "person_id" in [r[0] for r in con.execute(
            f"DESCRIBE src.{table}").fetchall()] else ""
        con.execute(f"INSERT INTO {table} SELECT * FROM src.{table} {where}")
    con.execute("DETACH src")
    version = load_codelists(con)
    index_date = default_index_date(con)
    codes = codes_for(con, version)
    start = time.perf_counter()
    duck = compute(PhmContext.create(Cdm(ibis.duckdb.from_connection(con)), index_date, codes))
    duck_person = duck.person.to_pandas()
    duck_seconds = time.perf_counter() - start
    session = local_spark_session()
    for table in SPARK_TABLES:
        session.createDataFrame(con.sql(f"SELECT * FROM {table}").to_arrow_table()).createOrReplaceTempView(table)
    start = time.perf_counter()
    spark = compute(PhmContext.create(Cdm(ibis.pyspark.connect(session)), index_date, codes))
    spark_person = spark.person.to_pandas()
    spark_seconds = time.perf_counter() - start
    duck.release()
    con.close()
    return {"people": people, "duckdb_seconds": round(duck_seconds, 1), "spark_seconds": round(spark_seconds, 1),
            "identical_person_results": same(duck_person, spark_person)}


def same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    a = a.sort_values("person_id").reset_index(drop=True)
    b = b.sort_values("person_id").reset_index(drop=True)[a.columns]
    try:
        pd.testing.assert_frame_equal(a, b, check_dtype=False)
    except AssertionError:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=Path("/tmp/bench_synth.duckdb"))
    parser.add_argument("--spark-people", type=int, default=0)
    args = parser.parse_args()
    con = connect(args.db)
    people = con.execute("SELECT count(*) FROM person").fetchall()[0][0]
    rows = sum(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in EVENT_TABLES)
    scan = full_scan(con)
    marks: list[tuple[str, float]] = []
    start = time.perf_counter()
    run_id = run_phm(con=con, index_date=None, progress=lambda name: marks.append((name, time.perf_counter())))
    wall = time.perf_counter() - start
    ends = [t for _, t in marks[1:]] + [start + wall]
    steps = {name: round(end - t, 1) for (name, t), end in zip(marks, ends)}
    registered = con.execute("SELECT people FROM phm_run WHERE run_id = ?", [run_id]).fetchall()[0][0]
    con.close()
    out = {"people": people, "registered_at_index_date": registered, "event_rows": rows,
           "phm_wall_seconds": round(wall, 1), "full_scan_seconds": round(scan, 2),
           "ratio_to_full_scan": round(wall / scan, 1), "peak_rss_gb": peak_gb(), "step_seconds": steps,
           "targets": {"phm_wall_seconds": 60, "peak_rss_gb": 6}, "run_id": run_id,
           "date": dt.date.today().isoformat()}
    if args.spark_people:
        out["spark"] = spark_check(args.db, args.spark_people)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
