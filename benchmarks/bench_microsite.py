"""Microsite build time for the full LLR strategy over a demo warehouse (target ≤ 20 s). Prints JSON.

The warehouse holds the shipped Fingertips snapshot, the demo delivery tracker and the demo measures;
the site is built ``--repeat`` times (default 3) and the slowest and median builds are reported.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from pophealth.delivery.demo import build_demo_tracker
from pophealth.indicators.load import load_shipped_fingertips
from pophealth.measures.demo import load_measures_demo
from pophealth.microsite import build_site
from pophealth.strategy import load_strategy
from pophealth.warehouse import connect

TARGET_S = 20.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        con = connect(Path(tmp) / "w.duckdb")
        started = time.perf_counter()
        load_shipped_fingertips(con)
        build_demo_tracker(con)
        load_measures_demo(con)
        prepare_s = time.perf_counter() - started
        strategy = load_strategy()
        results = [build_site(con, Path(tmp) / "site", strategy=strategy) for _ in range(args.repeat)]
        con.close()
    times = [r.seconds for r in results]
    print(json.dumps({
        "benchmark": "microsite_build", "strategy": "LLR (shipped)", "warehouse_prepare_s": round(prepare_s, 3),
        "pages": len(results[-1].pages), "csv_files": len(results[-1].csv_files), "builds": len(times),
        "median_s": round(statistics.median(times), 3), "max_s": round(max(times), 3),
        "target_s": TARGET_S, "within_target": max(times) <= TARGET_S,
    }))


if __name__ == "__main__":
    main()
