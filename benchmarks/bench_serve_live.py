"""Working while serving: command times through a running server against the same command run
directly on a copy of the warehouse, how soon a page shows what a load wrote, and how pages answer
while ``phm run`` goes on in the server. Prints JSON.

    PYTHONPATH=src python benchmarks/bench_serve_live.py [--people 300]
"""

from __future__ import annotations

import argparse
import json
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from pophealth.config import shared_dir
from pophealth.geography.load import load_geography
from pophealth.synth.generate import generate
from pophealth.warehouse import connect

PASSWORD = "a long enough password"
CLI = [sys.executable, "-m", "pophealth.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed(argv: list[str], stdin: str | None = None) -> float:
    started = time.monotonic()
    subprocess.run([*CLI, *argv], input=stdin, capture_output=True, text=True, check=True)
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=300)
    args = parser.parse_args()
    workbooks = sorted((shared_dir() / "data" / "published" / "nhse-ae-by-provider").glob("April-2023*"))
    with tempfile.TemporaryDirectory() as folder:
        db, twin = Path(folder) / "w.duckdb", Path(folder) / "twin.duckdb"
        con = connect(db)
        load_geography(con)
        con.close()
        generate(db, args.people, 7)
        shutil.copy(db, twin)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([*CLI, "serve", "--db", str(db), "--port", str(port)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while True:
                try:
                    if httpx.get(base + "/pledges", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            result: dict = {"people": args.people}
            for name, target in (("through_server_s", db), ("direct_s", twin)):
                result.setdefault("users_add", {})[name] = round(timed(
                    ["users", "add", "bench", "--role", "analyst", "--password-stdin", "--db", str(target)],
                    PASSWORD + "\n"), 2)
                result.setdefault("import_nhse", {})[name] = round(timed(
                    ["report", "import-nhse", str(workbooks[0]), "--db", str(target)]), 2)
                if target == db:
                    started = time.monotonic()
                    page = httpx.get(base + "/api/measures/ae-four-hour", timeout=30).json()
                    result["page_after_load"] = {"shows_new_month": page["period"] == "2023-04",
                                                 "seconds": round(time.monotonic() - started, 2)}
            run = subprocess.Popen([*CLI, "phm", "run", "--db", str(db)], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
            started, waits = time.monotonic(), []
            while run.poll() is None:
                asked = time.monotonic()
                assert httpx.get(base + "/pledges", timeout=60).status_code == 200
                waits.append(time.monotonic() - asked)
                time.sleep(0.1)
            result["phm_run_while_serving"] = {
                "exit": run.returncode, "seconds": round(time.monotonic() - started, 1), "pages": len(waits),
                "page_median_s": round(statistics.median(waits), 3) if waits else None,
                "page_max_s": round(max(waits), 3) if waits else None}
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(timeout=60)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
