"""Care-team pages under load: 20 concurrent care-team users of the largest practice, over a warehouse
with a PHM run and both risk runs stored (as in use), requesting the worklists and person summaries
(names and NHS numbers from the identity store, every view audited and its identifiers logged). Prints JSON.

Reuses the server, sign-in and timing of ``bench_web_latency`` (target p95 <= 150 ms).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_web_latency import PASSWORD, SERVER, TARGET_MS, free_port, run, summary, wait_up

from pophealth.access.users import add_user
from pophealth.care.results import latest_runs, scope_people
from pophealth.care.scope import CareScope
from pophealth.care.worklists import WORKLISTS, select
from pophealth.geography.load import load_geography
from pophealth.phm.risk import DEFAULT_CUTOFF, run_risk
from pophealth.phm.run import run_phm
from pophealth.synth.generate import generate
from pophealth.warehouse import connect

LISTS = ["/care", "/care/worklists/care-gaps", "/care/worklists/frailty", "/care/worklists/admission-risk",
         "/care/worklists/last-year-of-life", "/care/worklists/care-gaps?sort=risk",
         "/care/worklists/care-gaps?sort=age&min_age=65"]


def prepare(db: Path, people: int, summaries: int) -> tuple[list[str], dict]:
    con = connect(db)
    load_geography(con)
    con.close()
    generate(db, people, 1)
    con = connect(db)
    try:
        run_phm(con=con)
        run_risk(con, DEFAULT_CUTOFF, seed=1, reps=0)
        practice, size = con.execute("SELECT practice_code, count(*) FROM person_geography GROUP BY ALL "
                                     "ORDER BY count(*) DESC LIMIT 1").fetchone()
        chosen = select(scope_people(con, latest_runs(con), CareScope("practice", practice)), WORKLISTS["care-gaps"])
        people_pages = [f"/care/people/{int(p)}" for p in chosen["person_id"].head(summaries)]
        add_user(con, "bench.care", PASSWORD, "care_team", display_name="Benchmark Care Team", practice_code=practice)
        return people_pages, {"practice_people": int(size), "care_gaps_list": int(len(chosen))}
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--summaries", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "w.duckdb"
        people_pages, sizes = prepare(db, args.people, args.summaries)
        port = free_port()
        proc = subprocess.Popen([sys.executable, "-c", SERVER, str(db), str(port)], env=os.environ.copy())
        base = f"http://127.0.0.1:{port}"
        try:
            wait_up(base, proc)
            phases = {"worklists": run(base, "bench.care", LISTS, args.clients, args.rounds),
                      "person_summaries": run(base, "bench.care", people_pages, args.clients, args.rounds)}
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    report = {}
    for phase, (timings, errors) in phases.items():
        pages = {p: summary(ts) for p, ts in timings.items()}
        if phase == "person_summaries":
            pages = {}
        report[phase] = {"pages": pages, "overall": summary([t for ts in timings.values() for t in ts]),
                         "errors": errors[:10]}
    print(json.dumps({
        "benchmark": "care_web_latency", "clients": args.clients, "rounds": args.rounds, "people": args.people,
        **sizes, "cpus": os.cpu_count(), "load_average_1m": round(os.getloadavg()[0], 2), **report,
        "target_p95_ms": TARGET_MS,
        "within_target": all(r["overall"]["p95_ms"] <= TARGET_MS and not r["errors"] for r in report.values()),
    }, indent=1))


if __name__ == "__main__":
    main()
