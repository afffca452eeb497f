"""Command-line start-up: ``pophealth --help`` and a group's help, each in a fresh process (target < 1 s).

Run from the repository root: ``python benchmarks/bench_cli_start.py``. Prints one JSON object.
Each command runs five times; the median wall time is reported, with the heavy libraries that the
start-up imported (none of pandas, numpy, scipy, duckdb, ibis, fastapi should appear).
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time

TARGET_SECONDS = 1.0
RUNS = 5
HEAVY = ("pandas", "numpy", "scipy", "duckdb", "ibis", "fastapi", "sklearn", "openpyxl", "weasyprint")
COMMANDS = (["--help"], ["stats", "--help"], ["delivery", "rollup", "--help"])

_PROBE = ("import sys; from pophealth.cli import main\n"
          "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
          f"print('HEAVY=' + ','.join(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)")


def time_command(args: list[str]) -> tuple[float, float, list[str]]:
    """Median wall and CPU seconds of ``python -c <cli> ARGS`` and the heavy modules it imported.

    CPU time (user + system of the child) is reported beside wall time because on a shared, loaded
    machine wall time mostly measures waiting for a core.
    """
    times, cpu, heavy = [], [], []
    for _ in range(RUNS):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, check=True)
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        line = [x for x in done.stderr.splitlines() if x.startswith("HEAVY=")][-1]
        heavy = [m for m in line.removeprefix("HEAVY=").split(",") if m]
    return statistics.median(times), statistics.median(cpu), heavy


def main() -> dict:
    rows = {" ".join(args): time_command(args) for args in COMMANDS}
    slowest = max(seconds for seconds, _, _ in rows.values())
    result = {
        "benchmark": "cli_start",
        "runs_each": RUNS,
        "median_seconds": {cmd: round(seconds, 3) for cmd, (seconds, _, _) in rows.items()},
        "median_cpu_seconds": {cmd: round(cpu, 3) for cmd, (_, cpu, _) in rows.items()},
        "heavy_modules_imported": {cmd: heavy for cmd, (_, _, heavy) in rows.items()},
        "target_seconds": TARGET_SECONDS,
        "within_target": slowest < TARGET_SECONDS,
    }
    print(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    sys.exit(0 if main()["within_target"] else 1)
