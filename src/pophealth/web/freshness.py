"""Knowing cheaply whether the warehouse may have changed since an answer was worked out.

While the server runs it holds DuckDB's lock on the warehouse file, so no other process can change
it: every change arrives through one of the server's own unsafe requests (POST, PUT, PATCH,
DELETE), and the security middleware counts them. Between two such requests, a question put to the
warehouse moments ago still has the same answer, so the per-request checks (is this session live?
has the data behind this cached page changed?) need not be asked again each time. They are asked
again after ``recheck_seconds`` all the same, so that anything that changes outside a request
(the date turning over, a test writing through the app's connection) is seen within that time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")

RECHECK_SECONDS = 1.0
MAX_ANSWERS = 10_000  # sessions are keyed by token: bound the memory that many of them can take


class Freshness:
    """Answers remembered until the next write, or for ``recheck_seconds`` at most."""

    def __init__(self, recheck_seconds: float = RECHECK_SECONDS) -> None:
        self.recheck_seconds = recheck_seconds
        self._writes = 0
        self._lock = threading.Lock()
        self._answers: dict[Hashable, tuple[int, float, Any]] = {}

    def wrote(self) -> None:
        """A request that may have changed the warehouse has finished (or has started answering)."""
        with self._lock:
            self._writes += 1
            self._answers.clear()

    def remembered(self, key: Hashable, work: Callable[[], T], *, keep: Callable[[T], bool] = lambda _: True) -> T:
        """``work()``, or its answer for ``key`` if that was worked out since the last write and less
        than ``recheck_seconds`` ago. Answers failing ``keep`` are not remembered."""
        writes, now = self._writes, time.monotonic()
        hit = self._answers.get(key)
        if hit is not None and hit[0] == writes and now - hit[1] < self.recheck_seconds:
            return hit[2]
        value = work()  # the write count was read first: a write during work() makes this answer stale at once
        if keep(value):
            with self._lock:
                if len(self._answers) >= MAX_ANSWERS:
                    self._answers.clear()
                self._answers[key] = (writes, now, value)
        return value
