"""Running a function in many threads at once, switching between them as often as Python allows, so that
an unguarded read-modify-write of shared state races; returns every exception the threads raised."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable


def race(work: Callable[[int], None], threads: int = 8) -> list[BaseException]:
    """``work(worker)`` in ``threads`` threads started together; the exceptions they raised (none is good)."""
    errors: list[BaseException] = []
    start = threading.Barrier(threads)

    def run(worker: int) -> None:
        start.wait()
        try:
            work(worker)
        except BaseException as exc:  # noqa: BLE001 - collected for the caller to assert on
            errors.append(exc)

    running = [threading.Thread(target=run, args=(w,)) for w in range(threads)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for t in running:
            t.start()
        for t in running:
            t.join()
    finally:
        sys.setswitchinterval(interval)
    return errors
