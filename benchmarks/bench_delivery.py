"""Delivery tracker timings on the shipped strategy: load, tracker view, export, import. Prints JSON."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from pophealth.delivery.demo import build_demo_tracker
from pophealth.delivery.tracker import tracker_rows
from pophealth.delivery.xlsx_export import export_workbook
from pophealth.delivery.xlsx_import import import_workbook
from pophealth.warehouse import connect


def timed(fn):
    start = time.perf_counter()
    fn()
    return round(time.perf_counter() - start, 3)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        con = connect(Path(tmp) / "a.duckdb")
        xlsx = Path(tmp) / "t.xlsx"
        figures = {
            "load_and_demo_updates_s": timed(lambda: build_demo_tracker(con)),
            "tracker_rows_s": timed(lambda: tracker_rows(con)),
            "export_xlsx_s": timed(lambda: export_workbook(con, xlsx)),
            "import_into_empty_s": timed(lambda: import_workbook(connect(Path(tmp) / "b.duckdb"), xlsx, "bench")),
            "actions": len(tracker_rows(con)),
        }
    print(json.dumps({"benchmark": "delivery", **figures}))


if __name__ == "__main__":
    main()
