"""Full-size synthetic population: wall time, peak memory, rows per table and DuckDB file size, as JSON.

Run: PYTHONPATH=src python benchmarks/bench_synth.py [--people 1121980] [--db /tmp/bench_synth.duckdb]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from pathlib import Path

from pophealth.geography.load import load_geography
from pophealth.synth.generate import generate
from pophealth.warehouse import connect


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1_121_980)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--db", type=Path, default=Path("/tmp/bench_synth.duckdb"))
    args = parser.parse_args()
    args.db.unlink(missing_ok=True)
    con = connect(args.db)
    load_geography(con)
    con.close()
    start = time.perf_counter()
    rows = generate(args.db, args.people, args.seed)
    wall = time.perf_counter() - start
    peak_kb = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    print(json.dumps({"people": args.people, "seed": args.seed, "wall_seconds": round(wall, 1),
                      "peak_rss_gb": round(peak_kb / 1024 / 1024, 2), "rows": rows, "rows_total": sum(rows.values()),
                      "duckdb_file_mb": round(os.path.getsize(args.db) / 1e6, 1),
                      "targets": {"wall_seconds": 180, "peak_rss_gb": 8}}, indent=2))


if __name__ == "__main__":
    main()
