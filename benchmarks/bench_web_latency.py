"""Web latency under load: 20 concurrent signed-in clients on loopback (target p95 ≤ 150 ms). Prints JSON.

The app runs in uvicorn in a separate process over a demo warehouse (Fingertips snapshot, demo
tracker, demo measures). Each client signs in through the real form as an analyst, then requests
every page of ``PAGES`` ``--rounds`` times; p50/p95/p99 are reported per page and over all.
Care-team worklist pages are measured when the app has them (``--worklist PATH`` adds one).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from pophealth.access.users import add_user
from pophealth.delivery.demo import build_demo_tracker
from pophealth.indicators.load import load_shipped_fingertips
from pophealth.measures.demo import load_measures_demo
from pophealth.warehouse import connect

TARGET_MS = 150.0
PASSWORD = "benchmark password, long enough"
PAGES = ["/", "/pledges/8", "/pledges/8/measures", "/measures/ae-four-hour", "/places/E06000016",
         "/delivery", "/delivery/highlight", "/delivery/actions/L2.1"]
SERVER = ("import sys, uvicorn; from pophealth.web.app import create_app; "
          "uvicorn.run(create_app(sys.argv[1]), host='127.0.0.1', port=int(sys.argv[2]), log_level='warning')")


def prepare(db: Path) -> None:
    con = connect(db)
    try:
        load_shipped_fingertips(con)
        build_demo_tracker(con)
        load_measures_demo(con)
        add_user(con, "bench.analyst", PASSWORD, "analyst", display_name="Benchmark Analyst")
    finally:
        con.close()


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


def signed_in(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30)
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    r = client.post("/login", data={"username": "bench.analyst", "password": PASSWORD, "csrf_token": token})
    if r.status_code not in (200, 303) or "Sign out" not in client.get("/").text:
        raise RuntimeError(f"sign-in failed: {r.status_code}")
    return client


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(round(q / 100 * len(ordered) + 0.5)) - 1))]


def summary(ms: list[float]) -> dict[str, float]:
    return {"n": len(ms), "p50_ms": round(statistics.median(ms), 1), "p95_ms": round(percentile(ms, 95), 1),
            "p99_ms": round(percentile(ms, 99), 1)}


def run(base: str, pages: list[str], clients: int, rounds: int) -> tuple[dict[str, list[float]], list[str]]:
    timings: dict[str, list[float]] = {p: [] for p in pages}
    errors: list[str] = []
    lock = threading.Lock()
    sessions = [signed_in(base) for _ in range(clients)]
    for path in pages:  # warm-up, not timed
        sessions[0].get(path)
    start = threading.Barrier(clients)

    def worker(client: httpx.Client, offset: int) -> None:
        start.wait()
        for r in range(rounds):
            for i in range(len(pages)):
                path = pages[(i + offset + r) % len(pages)]
                t0 = time.perf_counter()
                resp = client.get(path)
                elapsed = (time.perf_counter() - t0) * 1000
                with lock:
                    timings[path].append(elapsed)
                    if resp.status_code != 200:
                        errors.append(f"{path}: {resp.status_code}")

    threads = [threading.Thread(target=worker, args=(s, k)) for k, s in enumerate(sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in sessions:
        s.close()
    return timings, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--worklist", action="append", default=[], help="care-team worklist path(s) to add")
    args = parser.parse_args()
    pages = PAGES + args.worklist
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "w.duckdb"
        prepare(db)
        port = free_port()
        proc = subprocess.Popen([sys.executable, "-c", SERVER, str(db), str(port)], env=os.environ.copy())
        base = f"http://127.0.0.1:{port}"
        try:
            wait_up(base, proc)
            timings, errors = run(base, pages, args.clients, args.rounds)
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    everything = [t for ts in timings.values() for t in ts]
    overall = summary(everything)
    print(json.dumps({
        "benchmark": "web_latency", "clients": args.clients, "rounds": args.rounds, "role": "analyst",
        "care_team_worklist": args.worklist or "not measured: no care-team worklist pages in this build",
        "pages": {p: summary(ts) for p, ts in timings.items()}, "overall": overall, "errors": errors[:10],
        "target_p95_ms": TARGET_MS, "within_target": overall["p95_ms"] <= TARGET_MS and not errors,
    }, indent=1))


if __name__ == "__main__":
    main()
