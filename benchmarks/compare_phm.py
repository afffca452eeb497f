"""Do two versions of the PHM code store the same results? Runs a reference tree's code (e.g. main's) on one copy
of a warehouse and this tree's on another, then compares every stored PHM table with EXCEPT ALL both ways,
ignoring the run id and timestamps. Exit status 0 only when no row differs.

Run: PYTHONPATH=src python benchmarks/compare_phm.py --db /tmp/bench_synth.duckdb --reference /path/to/main/src
The warehouse itself is never written: both runs are on copies in --workdir (deleted afterwards unless --keep).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

TABLES = ("phm_person", "phm_person_register", "phm_person_cohort", "phm_care_gap", "phm_aggregate", "phm_run")
IGNORED = ("run_id", "started_at", "finished_at")
RUN = "import sys; from pophealth.phm.run import run_phm; print(run_phm(sys.argv[1]))"


def run(src: Path, db: Path) -> str:
    """One PHM run with the code under ``src`` (in a fresh interpreter), returning its run id."""
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", RUN, str(db)], env={**os.environ, "PYTHONPATH": str(src)},
                         check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    print(f"{src}: run {out} in {time.perf_counter() - start:.1f} s", flush=True)
    return out


def compare_runs(first: Path, first_run: str, second: Path, second_run: str,
                 tables: tuple[str, ...] = TABLES) -> dict[str, dict[str, int]]:
    """Per table, the rows of each warehouse's run and the rows found in only one of them (``EXCEPT ALL`` both
    ways), every column but the run id and timestamps. ``benchmarks/bench_phm_spark.py`` compares its two
    engines' runs with it too."""
    con = duckdb.connect(str(first), read_only=True)
    con.execute("SET enable_progress_bar = false")
    try:
        con.execute(f"ATTACH '{second}' AS other (READ_ONLY)")
        out = {}
        for table in tables:
            cols = ", ".join(f'"{r[0]}"' for r in con.execute(f"DESCRIBE main.{table}").fetchall()
                             if r[0] not in IGNORED)
            mine = f"SELECT {cols} FROM main.{table} WHERE run_id = '{first_run}'"
            theirs = f"SELECT {cols} FROM other.{table} WHERE run_id = '{second_run}'"
            count = lambda sql: con.execute(f"SELECT count(*) FROM ({sql})").fetchall()[0][0]  # noqa: E731
            out[table] = {"rows_first": count(mine), "rows_second": count(theirs),
                          "only_first": count(f"{mine} EXCEPT ALL {theirs}"),
                          "only_second": count(f"{theirs} EXCEPT ALL {mine}")}
        return out
    finally:
        con.close()


def compare(reference: Path, reference_run: str, mine: Path, my_run: str) -> int:
    """Rows differing between the two runs, every PHM table (printed per table)."""
    differing = 0
    for table, c in compare_runs(reference, reference_run, mine, my_run).items():
        differing += c["only_first"] + c["only_second"]
        print(f"{table}: reference {c['rows_first']} rows, this tree {c['rows_second']} rows, only in reference "
              f"{c['only_first']}, only in this tree {c['only_second']}")
    return differing


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=Path("/tmp/bench_synth.duckdb"))
    parser.add_argument("--reference", type=Path, required=True, help="the src folder of the reference code")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp"))
    parser.add_argument("--keep", action="store_true", help="keep the two copies of the warehouse")
    args = parser.parse_args()
    here = Path(__file__).resolve().parents[1] / "src"
    copies = [args.workdir / "compare_phm_reference.duckdb", args.workdir / "compare_phm_this_tree.duckdb"]
    try:
        runs = []
        for src, copy in zip((args.reference, here), copies):
            shutil.copy(args.db, copy)
            runs.append(run(src, copy))
        differing = compare(copies[0], runs[0], copies[1], runs[1])
    finally:
        if not args.keep:
            for copy in copies:
                copy.unlink(missing_ok=True)
    print("IDENTICAL" if differing == 0 else f"DIFFERENT: {differing} rows")
    sys.exit(0 if differing == 0 else 1)


if __name__ == "__main__":
    main()
