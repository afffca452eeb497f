"""How long the publishers' own workbooks, and the published-statistics extracts, take to load; prints JSON.

Reads every workbook in ``shared/data/published`` (NHS England A&E by-provider and NHS Digital QOF
CCG-level, timed apart): parse and validate only, then parse, validate and load into a fresh
warehouse in one transaction (``load_nhse_files``, what ``pophealth report import-nhse`` runs).
The curated extracts shipped with pophealth (``pophealth measures load-public``: A&E, ambulance,
RTT, beds, discharge, Talking Therapies, statements and the 2020 Fingertips snapshot) are timed
beside them in the same run. Each figure is the median of ``repeats`` runs.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from pophealth.config import shared_dir
from pophealth.sources.nhse_stats import load_nhse_files, parse_file
from pophealth.sources.public_extracts import load_public_extracts, shipped_folder
from pophealth.warehouse import connect

PUBLICATIONS = {"ae": "nhse-ae-by-provider", "qof": "nhsd-qof-ccg"}


def _median(fn, repeats: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def _load(files: list[Path]) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        con = connect(Path(tmp) / "w.duckdb")  # migrations applied here, outside the timed load
        start = time.perf_counter()
        counts = load_nhse_files(con, files)
        elapsed = time.perf_counter() - start
        con.close()
    _load.last = elapsed  # type: ignore[attr-defined]
    return sum(counts.values())


def main(repeats: int = 3) -> dict:
    figures: dict = {"benchmark": "nhse_import", "repeats": repeats}
    for key, folder in PUBLICATIONS.items():
        files = sorted((shared_dir() / "data" / "published" / folder).glob("*.xls*"))
        parse_s, parsed = _median(lambda files=files: [parse_file(f) for f in files], repeats)
        loads = []
        rows = 0
        for _ in range(repeats):
            rows = _load(files)
            loads.append(_load.last)  # type: ignore[attr-defined]
        figures[key] = {"files": len(files), "rows": rows,
                        "parse_validate_median_s": round(parse_s, 3),
                        "parse_validate_load_median_s": round(statistics.median(loads), 3),
                        "rows_per_second_load": round(rows / statistics.median(loads))}
    loads, rows = [], 0
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as tmp:
            con = connect(Path(tmp) / "w.duckdb")
            start = time.perf_counter()
            report = load_public_extracts(con)
            loads.append(time.perf_counter() - start)
            con.close()
        rows = sum(report.files.values())
    figures["public_extracts"] = {"files": len(list(shipped_folder().glob("*.csv"))), "rows": rows,
                                  "findings": len(report.findings),
                                  "parse_validate_load_median_s": round(statistics.median(loads), 3),
                                  "rows_per_second_load": round(rows / statistics.median(loads))}
    print(json.dumps(figures))
    return figures


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
