"""Group commit: every submitted row is written exactly once, in submission order within a batch, before its
submitter goes on; a failed batch fails every submitter in it and loses nothing that was committed."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from pophealth.group_commit import GroupCommit


def test_concurrent_submitters_each_return_after_their_rows_are_written_once():
    written: list[int] = []
    batches: list[int] = []

    def write(rows: list[int]) -> None:
        time.sleep(0.005)  # a commit takes time, so others queue behind it
        written.extend(rows)
        batches.append(len(rows))

    log: GroupCommit[int] = GroupCommit(write)

    def submit(i: int) -> bool:
        log.submit([2 * i, 2 * i + 1])
        return 2 * i in written and 2 * i + 1 in written  # committed before submit returned

    with ThreadPoolExecutor(16) as pool:
        seen = list(pool.map(submit, range(200)))
    assert all(seen)
    assert sorted(written) == list(range(400))
    assert len(batches) < 200  # waiting submitters were written together
    for i in range(200):  # a submitter's rows stay together and in order
        assert written.index(2 * i + 1) == written.index(2 * i) + 1


def test_a_failed_batch_raises_in_every_submitter_of_it_and_later_batches_still_commit():
    gate = threading.Event()
    written: list[str] = []

    def write(rows: list[str]) -> None:
        if "first" in rows:
            gate.wait(10)  # hold the lock while the others queue
            written.extend(rows)
            return
        if "bad" in rows:
            raise RuntimeError("disk full")
        written.extend(rows)

    log: GroupCommit[str] = GroupCommit(write)
    with ThreadPoolExecutor(4) as pool:
        first = pool.submit(log.submit, ["first"])
        time.sleep(0.05)
        queued = [pool.submit(log.submit, [name]) for name in ("bad", "ok-1", "ok-2")]
        deadline = time.monotonic() + 10
        while len(log._queue) < 3 and time.monotonic() < deadline:  # all three waiting behind "first"
            time.sleep(0.01)
        gate.set()
        first.result()
        errors = [f.exception() for f in queued]
    assert written == ["first"]
    assert all(isinstance(e, RuntimeError) for e in errors)  # one batch: all three fail together
    log.submit(["later"])
    assert written == ["first", "later"]


def test_an_error_reaches_the_submitter():
    log: GroupCommit[int] = GroupCommit(lambda rows: (_ for _ in ()).throw(ValueError("no")))
    with pytest.raises(ValueError):
        log.submit([1])
