"""Board pack speed: HTML + PDF + XLSX for all 13 pledges from the demo measures data (target <= 30 s).

Run from the repository root: ``python benchmarks/bench_board_pack.py``. Prints one JSON object.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from pophealth.measures.demo import load_measures_demo
from pophealth.measures.tracking import take_snapshot
from pophealth.reports.board_pack import write_board_pack
from pophealth.strategy import load_strategy
from pophealth.warehouse import connect

TARGET_SECONDS = 30.0


def main() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        con = connect(Path(tmp) / "bench.duckdb")
        load_measures_demo(con)
        strategy = load_strategy()
        start = time.perf_counter()
        snapshot = take_snapshot(con, strategy)
        snap_s = time.perf_counter() - start
        files = write_board_pack(snapshot, Path(tmp) / "pack")
        total = time.perf_counter() - start
        from pypdf import PdfReader

        pages = len(PdfReader(files.pdf).pages)
        con.close()
    result = {
        "benchmark": "board_pack",
        "pledges": len(strategy.pledges),
        "measures": len(strategy.measures),
        "pdf_pages": pages,
        "seconds_total": round(total, 2),
        "seconds_snapshot": round(snap_s, 2),
        **{f"seconds_{k}": round(v, 2) for k, v in files.seconds.items()},
        "target_seconds": TARGET_SECONDS,
        "within_target": total <= TARGET_SECONDS,
    }
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    sys.exit(0 if main()["within_target"] else 1)
