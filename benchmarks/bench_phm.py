"""PHM full refresh on the synthetic population, as JSON: wall time, peak memory, ratio to one full scan.

Run: PYTHONPATH=src python benchmarks/bench_phm.py [--db /tmp/bench_synth.duckdb]
The warehouse must hold a synthetic population (benchmarks/bench_synth.py writes the full-size one).
The scan baseline reads every column of every event table once (an aggregate over each column), in the
same process, so the ratio says how many "full scans" a PHM refresh costs. The refresh on PySpark, with
every stored table compared with DuckDB's, is benchmarks/bench_phm_spark.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import time
from pathlib import Path


from pophealth.phm.run import run_phm
from pophealth.warehouse import connect

EVENT_TABLES = ("condition_occurrence", "observation", "measurement", "procedure_occurrence", "drug_exposure",
                "visit_occurrence", "observation_period", "person", "death")


def peak_gb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024, 2)


def full_scan(con) -> float:
    start = time.perf_counter()
    for table in EVENT_TABLES:
        cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
        con.execute(f"SELECT {', '.join(f'max({c})' for c in cols)} FROM {table}").fetchall()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=Path("/tmp/bench_synth.duckdb"))
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
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
