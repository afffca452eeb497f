"""The record of care-team views: each view's identities read, its disclosure rows and its audit row written,
for every view waiting at that moment at once, on one thread of the app's.

Why one thread. A worklist view used to take three steps on its own web thread: read its identities, append
its disclosure rows (group commit), append its audit row (group commit). Each step made the thread wait on
the others, and under load every such wait is paid again in lock hand-overs and interpreter switches between
dozens of threads. With 50 care-team clients on 2 cores, taking the three steps away (a measurement, not a
release) gave the server over twice the throughput, though their own work is three small SQLite statements.
Here a view hands its steps to the log's thread and waits once. The thread takes every view queued, reads
their identities in one query, writes their disclosure rows in one transaction and their audit rows in one
(the audit's own group commit, so appends from elsewhere keep their place in the chain), and answers each.
On the web benchmark this alone took the care-team phase from about 315 to 400-430 requests a second at
20,000 people, and from 355 to 453 at the full population (``docs/deployment.md``). A view answered on the
event loop awaits ``submit``'s future and holds no thread at all.

The guarantees of each view are those of the three steps:

- identities are read for the view, when it is logged: never kept between views;
- its disclosure rows (one per person whose identifiers it shows) are committed first, then its audit row,
  and only then does ``record`` return: a page never shows identifiers that are not logged, nor a read that
  is not audited;
- if a batch cannot be written, every view in it gets the error (and shows nothing), and the thread goes on
  with the next views.

The thread ends after a few idle seconds and is started again by the next view, so an app that is not used
(a test's, a command's) keeps no thread.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

from pophealth.access.audit import AuditWriter, entry
from pophealth.access.roles import User
from pophealth.cache import refuse_work
from pophealth.care.identity_store import Identity, disclosure_rows, identities, log_disclosures

IDLE_SECONDS = 5.0


def shown_detail(shown: int) -> str:
    """What an audit row says of the identifiers its view showed (their NHS numbers are in the disclosure log)."""
    return f"; identifiers shown for {shown} people (NHS numbers in the disclosure log)" if shown else \
        "; no identifiers shown"


@dataclass
class _View:
    user: User
    method: str
    route: str
    scope: str | None
    person_id: int | None
    detail: str | None
    identify: list[int] | None  # None: the view shows no identifiers
    answer: Future = field(default_factory=Future)


class ViewLog:
    """``record`` logs one view (and reads its identities) with every other view waiting; thread-safe."""

    def __init__(self, audit: AuditWriter, identity_store: Path | None, *, idle_seconds: float = IDLE_SECONDS) -> None:
        self._audit = audit
        self.identity_store = identity_store
        self._idle_seconds = idle_seconds
        self._queue: queue.SimpleQueue[_View] = queue.SimpleQueue()
        self._lock = threading.Lock()  # the queue's consumer: started by a view, ended only with nothing queued
        self._thread: threading.Thread | None = None

    def record(self, user: User, *, method: str, route: str, scope: str | None, detail: str | None,
               person_id: int | None = None, identify: Iterable[int] | None = None) -> dict[int, Identity]:
        """Audit one view (``detail``); with ``identify``, first read those people's identities and log the
        ones it will show, and say how many in the audit row. Returns the identities held (those without one
        are absent) once everything is committed; raises what stopped its batch. Waits: never on the event
        loop (``cache.refuse_work``); a coroutine awaits ``submit``'s future instead."""
        refuse_work("view log")
        return self.submit(user, method=method, route=route, scope=scope, detail=detail, person_id=person_id,
                           identify=identify).result()

    def submit(self, user: User, *, method: str, route: str, scope: str | None, detail: str | None,
               person_id: int | None = None, identify: Iterable[int] | None = None) -> Future:
        """``record``'s work queued: a future of its answer (``asyncio.wrap_future`` awaits it on the loop)."""
        view = _View(user, method, route, scope, person_id, detail,
                     None if identify is None else [int(p) for p in identify])
        with self._lock:
            self._queue.put(view)
            if self._thread is None:
                self._thread = threading.Thread(target=self._serve, name="pophealth view log", daemon=True)
                self._thread.start()
        return view.answer

    def _serve(self) -> None:
        while True:
            try:
                batch = [self._queue.get(timeout=self._idle_seconds)]
            except queue.Empty:
                with self._lock:
                    if self._queue.empty():  # a view queued after the wait ended is served, not stranded
                        self._thread = None
                        return
                continue
            while True:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            self._write(batch)

    def _write(self, batch: list[_View]) -> None:
        try:
            wanted = sorted({p for v in batch if v.identify for p in v.identify})
            known = identities(self.identity_store, wanted) if wanted else {}
            answers, disclosed, entries = [], [], []
            for v in batch:
                mine = {p: known[p] for p in v.identify or () if p in known}
                detail = v.detail if v.identify is None else (v.detail or "") + shown_detail(len(mine))
                disclosed += disclosure_rows(v.user.username, v.route, mine.values())
                entries.append(entry(v.user, v.method, v.route, v.person_id, v.scope, detail))
                answers.append(mine)
            log_disclosures(self.identity_store, disclosed)
            self._audit.record_entries(entries)
        except Exception as exc:  # noqa: BLE001 - each view raises it; the thread serves the next views
            for v in batch:
                v.answer.set_exception(exc)
            return
        for v, mine in zip(batch, answers):
            v.answer.set_result(mine)
