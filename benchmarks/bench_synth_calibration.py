"""Calibration of a synthetic population against the real LLR figures, at the size the issue asks for.

Generates ``--people`` (default 100,000) and runs ``synth --report`` with the real checks (the QOF registers
of every sub-ICB and the JHWS 5+/8+ LTC shares); prints wall times, how many checks pass, the failing ones
and the Leicestershire 5+/8+ shares against 7.2% and 2.2%, as JSON. Exit status 1 if any check fails.
Too slow for the test suite (about two minutes to generate and half a minute to report on 2 cores).

Run: PYTHONPATH=src python benchmarks/bench_synth_calibration.py [--people 100000] [--seed 7]
Same as: pophealth synth --people 100000 --seed 7 --db X --create && pophealth synth --report --json --db X
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import duckdb

from pophealth.geography.load import load_geography
from pophealth.synth.calibration import calibration_report
from pophealth.synth.calibration_real import JHWS
from pophealth.synth.generate import generate
from pophealth.warehouse import connect


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", type=Path, default=Path("/tmp/bench_synth_calibration.duckdb"))
    args = parser.parse_args()
    args.db.unlink(missing_ok=True)
    con = connect(args.db)
    load_geography(con)
    con.close()
    start = time.perf_counter()
    generate(args.db, args.people, args.seed)
    generated = time.perf_counter() - start
    con = duckdb.connect(str(args.db))
    try:
        report = calibration_report(con, real=True)
    finally:
        con.close()
    reported = time.perf_counter() - start - generated
    real = report["real_llr_checks"]
    qof = [c for c in real if c["name"].startswith("QOF")]
    jhws = {c["name"]: c["generated"] for c in real if c["name"].startswith("JHWS")}
    shares = dict(zip(JHWS, jhws.values()))
    print(json.dumps({
        "people": args.people, "seed": args.seed, "generate_seconds": round(generated, 1),
        "report_seconds": round(reported, 1),
        "own_checks_passed": f"{sum(c['passed'] for c in report['checks'])}/{len(report['checks'])}",
        "qof_checks_passed": f"{sum(c['passed'] for c in qof)}/{len(qof)}",
        "jhws": {k: {"generated": v, "target": JHWS[k][1], "relative_error": round(v / JHWS[k][1] - 1, 3)}
                 for k, v in shares.items()},
        "failing": [c for c in report["checks"] + real if not c["passed"]],
        "all_passed": report["all_passed"]}, indent=2))
    return 0 if report["all_passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
