"""The record of care-team views (``web.view_log``): each view gets exactly its own identities, read for it, and
returns only once its disclosure rows and its audit row are committed, however many views are logged at once;
a batch that cannot be written fails its views and no others; the log's thread ends when idle and starts
again with the next view."""

from __future__ import annotations

import queue
import random
import sqlite3
import threading
import time
from contextlib import closing

import pytest

from pophealth.access.audit import AuditWriter, verify_chain
from pophealth.access.roles import User
from pophealth.care.identity_store import replace_identities, store_path
from pophealth.warehouse import connect
from pophealth.web.view_log import ViewLog
from tests.audit_support import stored

HELD = 30  # people 1..30 have an identity; 31..40 have none


def nhs_number(serial: int) -> str:
    """A valid NHS number (modulus 11 check digit, weights 10 down to 2), from the 999 test range."""
    while True:
        body = f"999{serial:06d}"
        check = 11 - sum(int(d) * w for d, w in zip(body, range(10, 1, -1))) % 11
        if check == 11:
            return body + "0"
        if check != 10:  # 10: no valid number with this body
            return body + str(check)
        serial += 1000


PEOPLE = {p: {"person_id": p, "nhs_number": nhs_number(p), "given_name": f"Given{p}", "family_name": f"Family{p}",
              "birth_date": f"19{40 + p}-01-0{1 + p % 9}", "address": None, "practice_code": "C82001"}
          for p in range(1, HELD + 1)}


@pytest.fixture
def warehouse(db_file):
    con = connect(db_file)
    replace_identities(store_path(db_file), PEOPLE.values(), source="test", origin="people.csv")
    yield db_file, con
    con.close()


def disclosed(db_file, username: str) -> list[tuple]:
    with closing(sqlite3.connect(store_path(db_file))) as db:
        return db.execute("SELECT username, route, person_id, nhs_number FROM identity_disclosure WHERE username = ? "
                          "ORDER BY rowid", [username]).fetchall()


def test_each_view_gets_its_own_identities_committed_with_its_rows_before_it_returns(warehouse):
    db_file, con = warehouse
    log = ViewLog(AuditWriter(con), store_path(db_file))
    views, threads, problems = 10, 12, []
    go = threading.Barrier(threads)

    def care_team_member(k: int) -> None:
        user = User(f"user{k}", f"User {k}", "care_team", practice_code="C82001")
        rng = random.Random(k)
        shown_so_far: list[tuple] = []
        go.wait()
        for v in range(views):
            ids = rng.sample(range(1, 41), rng.randint(0, 12))
            route = f"/care/worklists/list{v}"
            got = log.record(user, method="GET", route=route, scope=user.scope, detail=f"view {k}.{v}", identify=ids)
            held = [p for p in ids if p in PEOPLE]
            if sorted(got) != sorted(held) or any(got[p].nhs_number != PEOPLE[p]["nhs_number"] or
                                                  got[p].given_name != PEOPLE[p]["given_name"] for p in got):
                problems.append(f"{k}.{v}: identities {sorted(got)} for {sorted(ids)}")
            shown_so_far += [(user.username, route, p, PEOPLE[p]["nhs_number"]) for p in ids if p in PEOPLE]
            if disclosed(db_file, user.username) != shown_so_far:  # committed before record returned
                problems.append(f"{k}.{v}: disclosure log not as shown")
            detail = stored(db_file, "SELECT detail FROM audit_log WHERE detail LIKE ?", [f"view {k}.{v};%"])
            expected = (f"view {k}.{v}; identifiers shown for {len(held)} people (NHS numbers in the disclosure "
                        f"log)") if held else f"view {k}.{v}; no identifiers shown"
            if detail != [(expected,)]:
                problems.append(f"{k}.{v}: audit row {detail}")

    workers = [threading.Thread(target=care_team_member, args=(k,)) for k in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in workers)
    assert problems == []
    assert stored(db_file, "SELECT count(*) FROM audit_log") == [(views * threads,)]
    assert verify_chain(con)


def test_a_view_that_shows_no_identifiers_is_audited_as_given(warehouse):
    db_file, con = warehouse
    log = ViewLog(AuditWriter(con), store_path(db_file))
    user = User("counts", "Counts", "care_team", practice_code="C82001")
    assert log.record(user, method="GET", route="/care", scope=user.scope, detail="worklist counts") == {}
    assert log.record(user, method="GET", route="/care/people/x", scope=user.scope, detail=None, person_id=7) == {}
    assert stored(db_file, "SELECT route, person_id, scope, detail FROM audit_log ORDER BY seq") == [
        ("/care", None, "practice:C82001", "worklist counts"), ("/care/people/x", 7, "practice:C82001", None)]
    assert disclosed(db_file, "counts") == []


def test_without_an_identity_store_nothing_is_shown_and_the_view_is_still_audited(db_file):
    con = connect(db_file)
    try:
        log = ViewLog(AuditWriter(con), None)
        user = User("nostore", "No store", "care_team", practice_code="C82001")
        assert log.record(user, method="GET", route="/care/worklists/frailty", scope=user.scope,
                          detail="worklist frailty", identify=[1, 2]) == {}
        assert stored(db_file, "SELECT detail FROM audit_log") == [("worklist frailty; no identifiers shown",)]
    finally:
        con.close()


class _StallThenFail(AuditWriter):
    """The first batch waits for ``release``; the second cannot be written; later ones are."""

    def __init__(self, con) -> None:
        super().__init__(con)
        self.release = threading.Event()
        self.batches = 0

    def record_entries(self, entries: list[dict]) -> None:
        self.batches += 1
        if self.batches == 1:
            assert self.release.wait(30)
        elif self.batches == 2:
            raise OSError("disk full")
        super().record_entries(entries)


def test_a_batch_that_cannot_be_written_fails_its_views_only(warehouse):
    db_file, con = warehouse
    audit = _StallThenFail(con)
    log = ViewLog(audit, store_path(db_file))
    outcomes: dict[str, object] = {}

    def view(name: str) -> None:
        user = User(name, name, "care_team", practice_code="C82001")
        try:
            outcomes[name] = log.record(user, method="GET", route="/care/worklists/frailty", scope=user.scope,
                                        detail=f"{name} view", identify=[1, 2, 35])
        except OSError as exc:
            outcomes[name] = exc

    first = threading.Thread(target=view, args=("first",))
    first.start()
    deadline = time.monotonic() + 30
    while audit.batches < 1 and time.monotonic() < deadline:  # the first batch is being written
        time.sleep(0.01)
    queued = [threading.Thread(target=view, args=(n,)) for n in ("second", "third")]
    for t in queued:
        t.start()
    while log._queue.qsize() < 2 and time.monotonic() < deadline:  # both wait behind the first batch
        time.sleep(0.01)
    audit.release.set()
    for t in (first, *queued):
        t.join(timeout=30)
    view("fourth")
    assert sorted(outcomes["first"]) == [1, 2] and sorted(outcomes["fourth"]) == [1, 2]
    assert isinstance(outcomes["second"], OSError) and isinstance(outcomes["third"], OSError)
    assert audit.batches == 3  # second and third were one batch
    assert [d for (d,) in stored(db_file, "SELECT detail FROM audit_log ORDER BY seq")] == [
        "first view; identifiers shown for 2 people (NHS numbers in the disclosure log)",
        "fourth view; identifiers shown for 2 people (NHS numbers in the disclosure log)"]
    # identifiers are logged before the audit row is written: a failed view is over-logged, never under-logged
    assert [len(disclosed(db_file, n)) for n in ("first", "second", "third", "fourth")] == [2, 2, 2, 2]
    assert verify_chain(con)


def test_the_thread_ends_when_idle_and_no_view_is_stranded_as_it_ends(warehouse):
    db_file, con = warehouse
    log = ViewLog(AuditWriter(con), store_path(db_file), idle_seconds=0.001)
    user = User("idle", "Idle", "care_team", practice_code="C82001")
    log.record(user, method="GET", route="/care", scope=user.scope, detail="one")
    deadline = time.monotonic() + 10
    while log._thread is not None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert log._thread is None
    done: list[int] = []

    def views(k: int) -> None:  # views arriving just as the thread gives up waiting
        for i in range(40):
            log.record(user, method="GET", route="/care", scope=user.scope, detail=f"{k}.{i}")
            time.sleep(random.random() / 500)
        done.append(k)

    workers = [threading.Thread(target=views, args=(k,)) for k in range(4)]
    for t in workers:
        t.start()
    for t in workers:
        t.join(timeout=60)
    assert sorted(done) == [0, 1, 2, 3]
    assert stored(db_file, "SELECT count(*) FROM audit_log") == [(1 + 4 * 40,)]


class _ViewArrivesAsTheWaitEnds:
    """A queue whose first idle wait ends just as another view is queued (before the thread can end)."""

    def __init__(self, arrive) -> None:
        self._queue = queue.SimpleQueue()
        self._arrive = arrive
        self.arrived = False

    def put(self, item) -> None:
        self._queue.put(item)

    def get(self, timeout: float | None = None):
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            if not self.arrived:
                self._arrive()
                self.arrived = True  # after the late view's thread has started: the test may join it
                deadline = time.monotonic() + 10
                while self._queue.empty() and time.monotonic() < deadline:
                    time.sleep(0.001)
            raise

    def get_nowait(self):
        return self._queue.get_nowait()

    def empty(self) -> bool:
        return self._queue.empty()


def test_a_view_queued_as_the_idle_wait_ends_is_served(warehouse):
    db_file, con = warehouse
    log = ViewLog(AuditWriter(con), store_path(db_file), idle_seconds=0.01)
    user = User("late", "Late", "care_team", practice_code="C82001")
    late = threading.Thread(target=lambda: log.record(user, method="GET", route="/care", scope=user.scope,
                                                      detail="late"))
    log._queue = _ViewArrivesAsTheWaitEnds(late.start)
    log.record(user, method="GET", route="/care", scope=user.scope, detail="first")
    deadline = time.monotonic() + 10
    while not log._queue.arrived and time.monotonic() < deadline:
        time.sleep(0.01)
    late.join(timeout=10)
    assert not late.is_alive(), "the late view was left in the queue with no thread to serve it"
    assert stored(db_file, "SELECT detail FROM audit_log ORDER BY seq") == [("first",), ("late",)]


def test_recording_a_view_inside_answers_only_is_refused_before_anything_is_written(warehouse):
    from pophealth.cache import WouldWork, answers_only

    db_file, con = warehouse
    log = ViewLog(AuditWriter(con), store_path(db_file))
    user = User("loop", "Loop", "care_team", practice_code="C82001")
    log.record(user, method="GET", route="/care", scope=user.scope, detail="on a thread")
    with answers_only(), pytest.raises(WouldWork):
        log.record(user, method="GET", route="/care", scope=user.scope, detail="on the loop", identify=[1])
    assert stored(db_file, "SELECT detail FROM audit_log") == [("on a thread",)] and disclosed(db_file, "loop") == []
