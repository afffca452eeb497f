"""Web latency under load: concurrent signed-in clients on loopback (target p95 ≤ 150 ms at 50). Prints JSON.

The app runs in a separate process, started as ``pophealth serve`` starts it, over a demo warehouse (a synthetic population of
``--people``, Fingertips snapshot, demo tracker, demo measures). Two phases, each with ``--clients``
concurrent clients signed in through the real form: analysts requesting every page of
``ANALYST_PAGES``, then care-team members of the largest practice requesting its worklists, each
``--rounds`` times. p50/p95/p99 are reported per page, per phase and over all; each phase also
reports its wall time (first timed request to last answer) and throughput (requests per second over
that wall time), and the whole run its overall throughput.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from pophealth.access.audit_store import copy_audit
from pophealth.access.users import add_user
from pophealth.care.identity_store import store_path
from pophealth.delivery.demo import build_demo_tracker
from pophealth.indicators.load import load_shipped_fingertips
from pophealth.measures.demo import load_measures_demo
from pophealth.phm.run import run_phm
from pophealth.synth.generate import generate
from pophealth.warehouse import connect

TARGET_MS = 150.0
PASSWORD = "benchmark password, long enough"
ANALYST_PAGES = ["/", "/pledges/8", "/pledges/8/measures", "/measures/ae-four-hour", "/places/E06000016",
                 "/delivery", "/delivery/highlight", "/delivery/actions/L2.1"]
CARE_PAGES = ["/care", "/care/worklists/care-gaps", "/care/worklists/frailty"]
SERVER = "import sys; from pophealth.web.server import serve; serve(sys.argv[1], '127.0.0.1', int(sys.argv[2]))"


def prepare(db: Path, people: int) -> None:
    generate(db, people, 1)
    con = connect(db)
    try:
        load_shipped_fingertips(con)
        build_demo_tracker(con)
        load_measures_demo(con)
        run_phm(con=con)  # the care pages then show real worklists, not "no population health run yet"
        practice = con.execute("SELECT practice_code FROM person_geography GROUP BY ALL "
                               "ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
        add_user(con, "bench.analyst", PASSWORD, "analyst", display_name="Benchmark Analyst")
        add_user(con, "bench.care", PASSWORD, "care_team", display_name="Benchmark Care Team", practice_code=practice)
    finally:
        con.close()


def copy_warehouse(source: Path, target: Path) -> None:
    """The warehouse file and the identity and audit stores beside it: without the identity store the care pages
    would show and log no identifiers, and the care phase would measure less than a care team's view costs;
    without the audit store each care view would append to a new, short chain, not the source's."""
    shutil.copyfile(source, target)
    shutil.copyfile(store_path(source), store_path(target))
    copy_audit(source, target)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(base: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            if httpx.get(base + "/login", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def signed_in(base: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    r = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    if r.status_code not in (200, 303) or "Sign out" not in client.get("/").text:
        raise RuntimeError(f"sign-in failed: {r.status_code}")
    return client


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(q / 100 * len(ordered) + 0.5)) - 1))]


def summary(ms: list[float]) -> dict[str, float]:
    return {"n": len(ms), "p50_ms": round(statistics.median(ms), 1), "p95_ms": round(percentile(ms, 95), 1),
            "p99_ms": round(percentile(ms, 99), 1)}


def run(base: str, username: str, pages: list[str], clients: int,
        rounds: int) -> tuple[dict[str, list[float]], list[str], float]:
    """Timings per page, errors, and the phase's wall time in seconds (sign-in and warm-up excluded)."""
    timings: dict[str, list[float]] = {p: [] for p in pages}
    errors: list[str] = []
    lock = threading.Lock()
    sessions = [signed_in(base, username) for _ in range(clients)]
    for path in pages:  # warm-up, not timed; a care page without results would measure the wrong page
        text = sessions[0].get(path).text
        if "No population health run yet" in text:
            raise RuntimeError(f"{path} shows no PHM results: the benchmark warehouse needs a PHM run")
        if "/worklists/" in path and "Not held</td>" in text and not re.search(r"\d{3} \d{3} \d{4}", text):
            raise RuntimeError(f"{path} shows no NHS numbers: the benchmark warehouse needs its identity store")
    for client in sessions:
        # one untimed request each just before the start: the first sessions have been idle for the other
        # sign-ins, longer than the server keeps an idle connection (uvicorn: 5 s); a request racing that close
        # fails ("Server disconnected") as a browser would silently retry, so it is retried here, untimed
        try:
            client.get(pages[0])
        except httpx.RemoteProtocolError:
            client.get(pages[0])
    start = threading.Barrier(clients)

    def worker(client: httpx.Client, offset: int) -> None:
        start.wait()
        for r in range(rounds):
            for i in range(len(pages)):
                path = pages[(i + offset + r) % len(pages)]
                t0 = time.perf_counter()
                try:
                    status = str(client.get(path).status_code)
                except httpx.HTTPError as exc:  # a timeout or a dropped connection is an error, never a lost sample
                    status = type(exc).__name__
                elapsed = (time.perf_counter() - t0) * 1000
                with lock:
                    timings[path].append(elapsed)
                    if status != "200":
                        errors.append(f"{path}: {status}")

    threads = [threading.Thread(target=worker, args=(s, k)) for k, s in enumerate(sessions)]
    for t in threads:
        t.start()
    t0 = time.perf_counter()  # the barrier holds every worker until the last thread has started
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    for s in sessions:
        s.close()
    return timings, errors, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--prepared", type=Path, default=None,
                        help="keep the prepared demo warehouse here and reuse it on later runs (a copy is served)")
    args = parser.parse_args()
    phases = {"analyst": ("bench.analyst", ANALYST_PAGES), "care_team": ("bench.care", CARE_PAGES)}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "w.duckdb"
        if args.prepared is not None and args.prepared.exists() and store_path(args.prepared).exists():
            copy_warehouse(args.prepared, db)
        else:
            prepare(db, args.people)
            if args.prepared is not None:
                copy_warehouse(db, args.prepared)
        port = free_port()
        proc = subprocess.Popen([sys.executable, "-c", SERVER, str(db), str(port)], env=os.environ.copy())
        base = f"http://127.0.0.1:{port}"
        results = {}
        try:
            wait_up(base, proc)
            for phase, (user, pages) in phases.items():
                results[phase] = run(base, user, pages, args.clients, args.rounds)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    report = {}
    for phase, (timings, errors, wall) in results.items():
        n = sum(len(ts) for ts in timings.values())
        report[phase] = {"pages": {p: summary(ts) for p, ts in timings.items()},
                         "overall": summary([t for ts in timings.values() for t in ts]), "errors": errors[:10],
                         "wall_s": round(wall, 2), "requests_per_s": round(n / wall, 1)}
    total_n = sum(r["overall"]["n"] for r in report.values())
    total_wall = sum(r["wall_s"] for r in report.values())
    print(json.dumps({
        "benchmark": "web_latency", "clients": args.clients, "rounds": args.rounds, "people": args.people,
        "cpus": os.cpu_count(), "load_average_1m": round(os.getloadavg()[0], 2), **report,
        "requests_per_s": round(total_n / total_wall, 1) if total_wall else 0.0,
        "target_p95_ms": TARGET_MS,
        "within_target": all(r["overall"]["p95_ms"] <= TARGET_MS and not r["errors"] for r in report.values()),
    }, indent=1))


if __name__ == "__main__":
    main()
