"""One thread-safe, bounded cache for what is read far more often than it changes.

The web server keeps one ``DataCache`` (``app.state.cache``) for everything it remembers between
requests, so there is one lock, one bound and one rule for when an answer may no longer be served:

- **Remembered answers** (``remembered``): a question put to the warehouse moments ago, such as "is
  this session live?", "what is the data version behind this page?" or "which population is loaded?".
  While the server runs it holds DuckDB's lock on the warehouse, so the data changes only through the
  server: its unsafe requests (the security middleware calls ``bump`` when one finishes) and the
  commands forwarded to it (``web.invalidation.invalidate_all`` calls ``bump``). An answer is served
  until the next ``bump``, and for ``recheck_seconds`` at most, so that anything changing outside those
  (the date turning over, a test writing through the app's connection) is seen within that time.
- **Versioned values** (``get``): a built page part keyed by ``(name, key, version)``, where the version
  is an answer that changes whenever the data behind the value does (a row count, a latest load time,
  a run id). A new version is a new key, so nothing stale is ever served; old entries simply age out.

Each name has its own bound (``size``), evicting its least recently used entry first, so one busy page,
or a visitor making up keys, cannot push the others out; a value built from a visitor-supplied key is
kept only when ``admit(value)`` says the key was a real one. Values are shared between threads: callers
never change them in place. Never cached here: identities, the audit, a person's own record. A care team's
latest outcomes are remembered answers: they are written only through the server, so one recorded is shown on
the next view.

``answers_only`` marks a block that may use only what is already known (a view tried on the event loop, where
nothing may block): there a miss or a lapsed answer raises ``WouldWork`` instead of working it out or waiting,
and the caller does the whole thing on a thread.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")

RECHECK_SECONDS = 1.0
FLIGHT_WAIT_SECONDS = 30.0  # the longest a thread waits for another's answer before working it out itself
_MISSING = object()
DEFAULT_SIZE = 64


class WouldWork(Exception):
    """Asked, inside ``answers_only``, for something that would have to be worked out or waited for."""


_ANSWERS_ONLY = contextvars.ContextVar("pophealth answers only", default=False)


@contextlib.contextmanager
def answers_only() -> Iterator[None]:
    """A block that may only use what is already known: a cache miss, a lapsed answer (``remembered``), a missing
    value (``get``) and whatever else calls ``refuse_work`` raise ``WouldWork`` instead of working or waiting.
    For a view tried on the event loop first, where nothing may block, and done on a thread if it cannot be."""
    token = _ANSWERS_ONLY.set(True)
    try:
        yield
    finally:
        _ANSWERS_ONLY.reset(token)


def refuse_work(what: str) -> None:
    """Raise ``WouldWork`` inside ``answers_only``: call before any work or wait the block must not do."""
    if _ANSWERS_ONLY.get():
        raise WouldWork(what)


class _Flight:
    """An answer being worked out by one thread, which others asking the same question wait for."""

    def __init__(self, generation: int) -> None:
        self.generation = generation  # of the stamp the answer is worked out from
        self.owner = threading.get_ident()
        self.done = threading.Event()
        self.value: Any = _MISSING  # left missing when the work failed


class DataCache:
    """Remembered answers (until the next ``bump`` or ``recheck_seconds``) and versioned values, per name."""

    def __init__(self, recheck_seconds: float = RECHECK_SECONDS) -> None:
        self.recheck_seconds = recheck_seconds
        self._generation = 0  # bumped by every write the app knows about
        self._lock = threading.Lock()
        self._stores: dict[str, OrderedDict[Hashable, Any]] = {}
        self._remembering: set[str] = set()  # names holding remembered answers (dropped on bump)
        self._flights: dict[tuple[str, Hashable], _Flight] = {}

    @property
    def generation(self) -> int:
        return self._generation

    def bump(self) -> None:
        """The warehouse may have changed: no answer remembered before this is served after it."""
        with self._lock:
            self._generation += 1
            for name in self._remembering:
                self._stores[name].clear()

    def clear(self) -> None:
        """Forget everything (versioned values too)."""
        with self._lock:
            self._generation += 1
            for store in self._stores.values():
                store.clear()

    def remembered(self, name: str, key: Hashable, work: Callable[[], T], *, size: int = DEFAULT_SIZE,
                   keep: Callable[[T], bool] = lambda _: True, recheck_seconds: float | None = None) -> T:
        """``work()``, or its answer for ``(name, key)`` if worked out since the last ``bump`` and less than
        ``recheck_seconds`` ago (the cache's own unless given: a longer one for an answer that costs a scan of
        the population, which only a write can change). Answers failing ``keep`` are not remembered."""
        stamp = self.stamp()  # read first: a bump during work() makes the answer stale
        hit = self.peek(name, key, _MISSING, recheck_seconds=recheck_seconds)
        if hit is not _MISSING:
            return hit
        refuse_work(name)
        # one thread works the answer out, the others asking meanwhile wait for it: when an answer lapses under
        # load, fifty requests would otherwise all put the same question (a scan of the population) at once
        with self._lock:
            flight = self._flights.get((name, key))
            mine = flight is None or flight.generation < stamp[0]  # none yet, or one started before a write
            if mine:
                flight = self._flights[(name, key)] = _Flight(stamp[0])
        if not mine:
            if flight.owner == threading.get_ident():  # a work() asking its own question: answer it, never wait
                return work()
            # bounded: two answers whose work asks for each other, in opposite orders, must not wait for ever
            if flight.done.wait(FLIGHT_WAIT_SECONDS) and flight.value is not _MISSING:
                return flight.value
            return work()  # the work failed, was not kept or is taking too long in the other thread
        try:
            value = work()
            if keep(value):
                self.remember(name, key, value, stamp, size=size)
                flight.value = value
            return value
        finally:
            with self._lock:
                if self._flights.get((name, key)) is flight:
                    del self._flights[(name, key)]
            flight.done.set()

    def peek(self, name: str, key: Hashable, default: Any = None, *, recheck_seconds: float | None = None) -> Any:
        """The remembered answer for ``(name, key)`` if ``remembered`` would serve it now, else ``default``.
        Never works anything out, so it is safe on the event loop (a lookup under the lock)."""
        generation, now = self._generation, time.monotonic()
        recheck = self.recheck_seconds if recheck_seconds is None else recheck_seconds
        with self._lock:
            store = self._stores.get(name)
            hit = store.get(key) if store is not None else None
            if hit is not None and hit[0] == generation and now - hit[1] < recheck:
                store.move_to_end(key)
                return hit[2]
        return default

    def stamp(self) -> tuple[int, float]:
        """The moment an answer is worked out from: take it before the work, give it to ``remember`` after, so a
        ``bump`` during the work makes the answer stale rather than served."""
        return self._generation, time.monotonic()

    def remember(self, name: str, key: Hashable, value: Any, stamp: tuple[int, float], *,
                 size: int = DEFAULT_SIZE) -> None:
        """Remember ``value`` for ``(name, key)``, worked out from ``stamp``: what ``remembered`` does after its
        work, for a caller that chooses the key only after the work (``peek`` serves it). An answer worked out
        before a write never replaces one worked out after it."""
        with self._lock:
            held = self._store(name).get(key)
            self._remembering.add(name)
            if held is not None and held[0] > stamp[0]:
                return
        self._put(name, key, (*stamp, value), size)

    def get(self, name: str, key: Hashable, version: Hashable, build: Callable[[], T], *,
            size: int = DEFAULT_SIZE, admit: Callable[[T], bool] = lambda _: True) -> T:
        """The value for ``(name, key)`` at ``version``, built by ``build()`` the first time. Built outside the
        lock: two first readers may both build it (the values are equal); the cache stays consistent."""
        full_key = (key, version)
        with self._lock:
            store = self._store(name)
            if full_key in store:
                store.move_to_end(full_key)
                return store[full_key]
        refuse_work(name)
        value = build()
        if admit(value):
            self._put(name, full_key, value, size)
        return value

    def entries(self, name: str) -> int:
        """How many entries ``name`` holds (for tests and diagnostics)."""
        with self._lock:
            return len(self._stores.get(name, ()))

    def _store(self, name: str) -> OrderedDict[Hashable, Any]:
        store = self._stores.get(name)
        if store is None:
            store = self._stores[name] = OrderedDict()
        return store

    def _put(self, name: str, key: Hashable, value: Any, size: int) -> None:
        with self._lock:
            store = self._store(name)
            store[key] = value
            store.move_to_end(key)
            while len(store) > max(1, size):
                store.popitem(last=False)
