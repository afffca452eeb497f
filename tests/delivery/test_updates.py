"""Updates: optimistic concurrency, periods, derived status change and overdue."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from pophealth.delivery.actions import get_action
from pophealth.delivery.audit import changes
from pophealth.delivery.periods import close_period, open_period
from pophealth.delivery.tracker import filter_rows, status_change, tracker_rows
from pophealth.delivery.updates import history, record_update
from pophealth.errors import ConflictError
from tests.delivery.conftest import rate

UPDATERS = 50


def _attempt(con, ref, version, editor):
    return record_update(con.cursor(), ref, version, stage="Delivery", overall_rag="Amber", risk_rag="Green",
                         trajectory_rag="Amber", narrative=f"update by {editor}", editor=editor)


def _run_all(worker) -> None:
    """Run ``worker(i)`` for every updater in its own thread and wait for them all."""
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(UPDATERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def test_fifty_concurrent_updaters_on_one_stale_version_lose_nothing(open_con):
    """All start from version 1 at once: exactly the successes land, every other one is a ConflictError."""
    barrier = threading.Barrier(UPDATERS)
    ok, conflicts, other = [], [], []

    def worker(i: int) -> None:
        barrier.wait()
        try:
            ok.append(_attempt(open_con, "L2.2", 1, f"editor {i}"))
        except ConflictError:
            conflicts.append(i)
        except Exception as exc:  # noqa: BLE001 - anything else is a failure of the test
            other.append(exc)

    _run_all(worker)
    assert other == []
    assert len(ok) + len(conflicts) == UPDATERS
    assert len(ok) >= 1
    assert get_action(open_con, "L2.2").version == 1 + len(ok)
    assert sorted(u.editor for u in history(open_con, "L2.2")) == sorted(u.editor for u in ok)


def test_fifty_concurrent_updaters_retrying_on_conflict_all_land(open_con):
    """Each retries with a fresh version after a conflict: 50 updates, version 51, none lost."""
    barrier = threading.Barrier(UPDATERS)
    failures = []

    def worker(i: int) -> None:
        cur = open_con.cursor()
        barrier.wait()
        for _ in range(500):
            try:
                _attempt(cur, "L2.3", get_action(cur, "L2.3").version, f"editor {i}")
                return
            except ConflictError:
                continue
        failures.append(i)

    _run_all(worker)
    assert failures == []
    hist = history(open_con, "L2.3")
    assert get_action(open_con, "L2.3").version == 1 + UPDATERS
    assert [u.version for u in hist] == list(range(2, UPDATERS + 2))
    assert sorted(u.editor for u in hist) == sorted(f"editor {i}" for i in range(UPDATERS))
    assert len(changes(open_con, "update")) == UPDATERS


def test_stale_version_is_refused_and_nothing_written(open_con):
    rate(open_con, "JFP-3.1", "Green")
    with pytest.raises(ConflictError, match="version 2, not 1"):
        record_update(open_con, "JFP-3.1", 1, stage="Delivery", overall_rag="Red", risk_rag="Red",
                      trajectory_rag="Red", narrative="stale", editor="B")
    assert [u.overall_rag for u in history(open_con, "JFP-3.1")] == ["Green"]


def test_updates_need_an_open_period(con):
    with pytest.raises(ConflictError, match="No reporting period is open"):
        rate(con, "JFP-3.1", "Green")
    open_period(con, "P1", date(2024, 4, 1), date(2024, 6, 30), "T")
    close_period(con, "P1", "T")
    with pytest.raises(ConflictError, match="is closed"):
        record_update(con, "JFP-3.1", 1, stage="Delivery", overall_rag="Red", risk_rag="Red",
                      trajectory_rag="Red", narrative="late", editor="B", period_id="P1")
    with pytest.raises(ConflictError, match="overlaps"):
        open_period(con, "P1b", date(2024, 6, 1), date(2024, 8, 31), "T")


def test_status_change_is_derived_from_the_previous_period(open_con):
    rate(open_con, "L2.1", "Amber")
    rate(open_con, "L2.4", "Green")
    close_period(open_con, "2024-25 Q1", "T")
    open_period(open_con, "2024-25 Q2", date(2024, 7, 1), date(2024, 9, 30), "T")
    rate(open_con, "L2.1", "Red")
    rate(open_con, "L2.1", "Green")  # the latest update in the period counts
    rows = {r.action.ref: r for r in tracker_rows(open_con)}
    assert rows["L2.1"].status_change == "Improved" and rows["L2.1"].overall_rag == "Green"
    assert rows["L2.4"].status_change == "No change"
    assert rows["L2.2"].status_change == "Not rated"
    earlier = {r.action.ref: r for r in tracker_rows(open_con, "2024-25 Q1")}
    assert earlier["L2.1"].status_change == "New" and earlier["L2.1"].overall_rag == "Amber"


@pytest.mark.parametrize("before,now,expected", [
    ("Red", "Amber", "Improved"), ("Green", "Red", "Worsened"), ("Amber", "Amber", "No change"),
    (None, "Red", "New"), ("Green", None, "Not rated")])
def test_status_change_words(before, now, expected):
    assert status_change(before, now) == expected


def test_overdue_unless_complete(open_con):
    as_of = date(2024, 5, 1)  # after 31 March 2024, the end of every "23/24" intervention
    overdue = {r.action.ref for r in filter_rows(tracker_rows(open_con, as_of=as_of), overdue=True)}
    assert "JFP-3.1" in overdue  # timescale 23/24
    assert not any(ref.startswith(("L", "ICS", "JHWS")) for ref in overdue)  # undated: never overdue
    rate(open_con, "JFP-3.1", "Green", stage="Complete")
    assert "JFP-3.1" not in {r.action.ref for r in filter_rows(tracker_rows(open_con, as_of=as_of), overdue=True)}
