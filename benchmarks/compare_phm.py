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


def compare(reference: Path, mine: Path) -> int:
    """Rows differing between the latest run of each warehouse, every PHM table (printed per table)."""
    con = duckdb.connect(str(mine), config={"enable_progress_bar": False})
    try:
        con.execute(f"ATTACH '{reference}' AS ref (READ_ONLY)")
        ref_run = con.execute("SELECT max(run_id) FROM ref.phm_run").fetchall()[0][0]
        my_run = con.execute("SELECT max(run_id) FROM main.phm_run").fetchall()[0][0]
        differing = 0
        for table in TABLES:
            cols = ", ".join(f'"{r[0]}"' for r in con.execute(f"DESCRIBE main.{table}").fetchall()
                             if r[0] not in IGNORED)
            ref_rows = f"SELECT {cols} FROM ref.{table} WHERE run_id = $ref"
            my_rows = f"SELECT {cols} FROM main.{table} WHERE run_id = $mine"
            counts = [con.execute(f"SELECT count(*) FROM ({sql})", {k: v for k, v in (
                ("ref", ref_run), ("mine", my_run)) if f"${k}" in sql}).fetchall()[0][0] for sql in (
                ref_rows, my_rows, f"{ref_rows} EXCEPT ALL {my_rows}", f"{my_rows} EXCEPT ALL {ref_rows}")]
            differing += counts[2] + counts[3]
            print(f"{table}: reference {counts[0]} rows, this tree {counts[1]} rows, only in reference {counts[2]}, "
                  f"only in this tree {counts[3]}")
        return differing
    finally:
        con.close()


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
        for src, copy in zip((args.reference, here), copies):
            shutil.copy(args.db, copy)
            run(src, copy)
        differing = compare(*copies)
    finally:
        if not args.keep:
            for copy in copies:
                copy.unlink(missing_ok=True)
    print("IDENTICAL" if differing == 0 else f"DIFFERENT: {differing} rows")
    sys.exit(0 if differing == 0 else 1)


if __name__ == "__main__":
    main()
