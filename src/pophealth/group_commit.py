"""Group commit: many threads each add rows to a log and wait until theirs are committed, one write per batch.

A web server answering fifty readers at once writes fifty small log entries (the audit of patient-level
reads, the log of identifiers shown). One transaction each makes every reader queue behind the others' commits
(on SQLite, behind its busy-wait backoff). Here each reader queues its rows and waits; whoever takes the write
lock next writes everything queued, in order, as one transaction. Each reader keeps its guarantee: its rows
are committed before it goes on, or it gets the error that stopped its batch.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass
class _Queued(Generic[T]):
    rows: Sequence[T]
    done: bool = False
    error: BaseException | None = field(default=None, repr=False)


class GroupCommit(Generic[T]):
    """``submit(rows)`` returns once ``write`` has committed them (with whatever else was queued). Thread-safe.

    ``write(rows)`` gets every queued row in submission order and must write them as one transaction. ``lock``
    is the lock writes of this log take (pass a shared one when other code appends to the same log)."""

    def __init__(self, write: Callable[[list[T]], None], lock: threading.Lock | None = None) -> None:
        self._write = write
        self._lock = lock or threading.Lock()
        self._queue: list[_Queued[T]] = []
        self._queue_lock = threading.Lock()

    def submit(self, rows: Sequence[T]) -> None:
        mine = _Queued(rows)
        with self._queue_lock:
            self._queue.append(mine)
        with self._lock:
            if not mine.done:  # nobody has written it yet: write it and everything queued behind it
                with self._queue_lock:
                    batch, self._queue = self._queue, []
                try:
                    self._write([row for queued in batch for row in queued.rows])
                except BaseException as exc:
                    for queued in batch:
                        queued.error = exc
                    raise
                finally:
                    for queued in batch:
                        queued.done = True
        if mine.error is not None:
            raise mine.error
