"""Group commit (``AuditWriter``): many readers at once, one linear chain, every row committed or its reader told."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing

import pytest

from pophealth.access.audit import AuditWriter, audit_rows, first_break, record_access
from pophealth.access.audit_store import audit_path
from pophealth.access.roles import User
from tests.audit_support import tamper


def _user(i: int) -> User:
    return User(f"u{i}", "U", "care_team", practice_code="C82001")


def test_concurrent_readers_through_the_writer_leave_one_linear_chain(con):
    writer, go = AuditWriter(con), threading.Barrier(8)
    errors: list[BaseException] = []

    def read(i: int) -> None:
        go.wait()
        try:
            for pid in range(25):
                writer.record(_user(i), method="GET", route="/care/people/{id}", person_id=pid, scope="practice:C82001")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=read, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    rows = audit_rows(con)
    assert len(rows) == 200
    assert sorted((r["username"], r["person_id"]) for r in rows) == sorted(
        (f"u{i}", pid) for i in range(8) for pid in range(25))
    assert first_break(con) is None


def test_the_writer_and_plain_appends_share_one_chain(con):
    writer = AuditWriter(con)
    writer.record(_user(1), method="GET", route="/care", scope="s")
    record_access(con, _user(2), method="GET", route="/care", scope="s")
    writer.record(_user(3), method="GET", route="/care", scope="s")
    assert [r["username"] for r in audit_rows(con)] == ["u3", "u2", "u1"]
    assert first_break(con) is None


def test_a_batch_that_cannot_be_written_fails_its_reader_and_writes_nothing(con, db_file):
    writer = AuditWriter(con)
    writer.record(_user(0), method="GET", route="/care", scope="s")  # the store exists, with one row
    tamper(db_file, "DELETE FROM audit_log")
    with closing(sqlite3.connect(audit_path(db_file))) as db:
        db.execute("ALTER TABLE audit_log RENAME TO audit_log_gone")
    with pytest.raises(Exception):
        writer.record(_user(1), method="GET", route="/care", scope="s")
    with closing(sqlite3.connect(audit_path(db_file))) as db:
        db.execute("ALTER TABLE audit_log_gone RENAME TO audit_log")
    assert audit_rows(con) == []
    writer.record(_user(1), method="GET", route="/care", scope="s")  # the writer still works afterwards
    assert len(audit_rows(con)) == 1 and first_break(con) is None
