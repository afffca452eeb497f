"""Care-team view timings on a synthetic population: reading a practice's and a PCN's stored PHM results,
selecting every worklist, one person summary; with the PHM run and risk training that precede them.
Usage: python benchmarks/bench_care.py [--people N] [--seed S]. Prints JSON."""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from pophealth.care.results import latest_runs, scope_people
from pophealth.care.scope import CareScope
from pophealth.care.summary import person_summary
from pophealth.care.worklists import WORKLISTS, select
from pophealth.geography.load import load_geography
from pophealth.phm.risk import DEFAULT_CUTOFF, run_risk
from pophealth.phm.run import run_phm
from pophealth.synth.generate import generate
from pophealth.warehouse import connect


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return round(time.perf_counter() - start, 3), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "care.duckdb"
        con = connect(db)
        load_geography(con)
        con.close()
        generate(db, args.people, args.seed)
        con = connect(db)
        phm_s, _ = timed(lambda: run_phm(con=con))
        risk_s, _ = timed(lambda: run_risk(con, DEFAULT_CUTOFF, seed=args.seed, reps=0))
        runs = latest_runs(con)
        practice, pcn = con.execute("SELECT practice_code, pcn_code FROM phm_person WHERE run_id = ? GROUP BY ALL "
                                    "ORDER BY count(*) DESC LIMIT 1", [runs.phm_run]).fetchone()
        practice_s, practice_people = timed(lambda: scope_people(con, runs, CareScope("practice", practice)))
        pcn_s, pcn_people = timed(lambda: scope_people(con, runs, CareScope("pcn", pcn)))
        lists_s, sizes = timed(lambda: {w.name: len(select(pcn_people, w)) for w in WORKLISTS.values()})
        person = int(select(practice_people, WORKLISTS["care-gaps"])["person_id"].iloc[0])
        summary_s, _ = timed(lambda: person_summary(con, CareScope("practice", practice), person, runs))
        con.close()
    print(json.dumps({"benchmark": "care", "people": args.people, "phm_run_s": phm_s, "risk_train_s": risk_s,
                      "practice_people": len(practice_people), "pcn_people": len(pcn_people),
                      "practice_results_s": practice_s, "pcn_results_s": pcn_s,
                      "select_all_worklists_pcn_s": lists_s, "person_summary_s": summary_s,
                      "pcn_worklist_sizes": sizes}))


if __name__ == "__main__":
    main()
