"""The audit store beside the warehouse: where it is, the one-time move of rows kept in DuckDB, tampering,
concurrent appends (threads and processes), and the audit of a warehouse in memory."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
import time
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

import pophealth
import pophealth.access.audit as audit
import pophealth.access.audit_move as audit_move
from pophealth.access.audit import AuditWriter, audit_rows, chain_length, first_break, record_access, verify_chain
from pophealth.access.audit_search import AuditQuery, search_audit
from pophealth.access.audit_store import audit_path, copy_audit, store_for
from pophealth.access.roles import User
from pophealth.errors import ConfigError
from pophealth.warehouse import connect, migrate
from tests.audit_support import stored, tamper

EVE = User("eve", "Eve", "care_team", practice_code="C82001")
GENESIS = "0" * 64


def published_hash(prev: str, row: dict) -> str:
    """The row hash as docs/security.md defines it, written out here rather than imported: SHA-256 of the previous
    hash followed by the row's JSON (keys sorted, every value as text, missing values null)."""
    payload = json.dumps({k: None if v is None else str(v) for k, v in row.items()}, sort_keys=True)
    return hashlib.sha256((prev + payload).encode()).hexdigest()


def old_warehouse(path: Path, monkeypatch, rows: int, *, edit: int | None = None) -> list[tuple]:
    """A warehouse as made before the audit store (migrations before 0890), its audit rows in DuckDB, chained
    as the DuckDB code chained them; returns the rows (``accessed_at`` as the text the hash covered)."""
    real = migrate.available_migrations
    monkeypatch.setattr(migrate, "available_migrations", lambda: [m for m in real() if m.version < 890])
    connect(path).close()
    monkeypatch.setattr(migrate, "available_migrations", real)
    con = duckdb.connect(str(path))
    prev, written = GENESIS, []
    for seq in range(1, rows + 1):
        row = {"seq": seq, "accessed_at": datetime(2025, 3, seq, 9, 30, 15, 250_000 if seq == 2 else 0),
               "username": f"user{seq % 2}", "role": "care_team", "method": "GET", "route": f"/care/people/{seq}",
               "person_id": seq * 10 if seq % 3 else None, "scope": "practice:C82001",
               "detail": "person summary" if seq % 2 else None}
        row_hash = published_hash(prev, row)
        if seq == edit:
            row["detail"] = "changed after it was written"
        con.execute("INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [*row.values(), prev, row_hash])
        written.append((seq, str(row["accessed_at"]), *list(row.values())[2:], prev, row_hash))
        prev = row_hash
    con.close()
    return written


def in_duckdb(path: Path) -> int | None:
    """The rows of the DuckDB ``audit_log`` table, or None when the table is gone."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    except duckdb.CatalogException:
        return None
    finally:
        con.close()


ALL = "SELECT seq, accessed_at, username, role, method, route, person_id, scope, detail, prev_hash, row_hash " \
      "FROM audit_log ORDER BY seq"


def test_the_audit_is_a_file_beside_the_warehouse_and_not_in_it(db_file):
    assert audit_path(db_file) == db_file.with_name("warehouse.duckdb.audit.sqlite")
    con = connect(db_file)
    record_access(con, EVE, method="GET", route="/care", scope=EVE.scope)
    assert con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'audit_log'").fetchone()[0] == 0
    con.close()
    assert [r[2] for r in stored(db_file, ALL)] == ["eve"]
    assert stored(db_file, "PRAGMA journal_mode") == [("wal",)]


def test_rows_kept_in_duckdb_move_once_in_order_and_keep_verifying(db_file, monkeypatch):
    old = old_warehouse(db_file, monkeypatch, 5)
    assert in_duckdb(db_file) == 5 and not audit_path(db_file).exists()
    con = connect(db_file)  # the migrations move the rows, then drop the DuckDB table
    assert in_duckdb_of(con) is None
    assert stored(db_file, ALL) == old
    assert verify_chain(con) and chain_length(con) == 5
    assert audit_rows(con)[-2]["accessed_at"] == datetime(2025, 3, 2, 9, 30, 15, 250_000)
    record_access(con, EVE, method="GET", route="/care", scope=EVE.scope)
    con.close()
    con = connect(db_file)  # opening again moves nothing again
    new = stored(db_file, ALL)
    assert len(new) == 6 and new[:5] == old
    assert new[5][0] == 6 and new[5][-2] == old[-1][-1]  # the next append chains on from the last moved row
    assert first_break(con) is None
    con.close()


def in_duckdb_of(con) -> int | None:
    try:
        return con.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    except duckdb.CatalogException:
        return None


def test_a_move_that_fails_leaves_the_duckdb_rows_in_place_and_the_store_empty(db_file, monkeypatch):
    old = old_warehouse(db_file, monkeypatch, 4)
    real = audit_move.chained_rows

    def misread(db):  # the copy reads back different from what DuckDB holds
        rows = list(real(db))
        return [rows[0][:-1] + ("f" * 64,), *rows[1:]]

    monkeypatch.setattr(audit_move, "chained_rows", misread)
    with pytest.raises(ConfigError, match="differ"):
        connect(db_file)
    assert in_duckdb(db_file) == 4
    assert stored(db_file, ALL) == []  # the store's transaction was rolled back
    monkeypatch.setattr(audit_move, "chained_rows", real)
    con = connect(db_file)
    assert stored(db_file, ALL) == old and in_duckdb_of(con) is None
    con.close()


def test_a_store_that_cannot_be_opened_stops_the_move_with_the_rows_in_duckdb(db_file, monkeypatch):
    old_warehouse(db_file, monkeypatch, 3)
    audit_path(db_file).mkdir()  # a folder where the store should be: SQLite cannot open it
    with pytest.raises(Exception):
        connect(db_file)
    assert in_duckdb(db_file) == 3
    audit_path(db_file).rmdir()
    connect(db_file).close()
    assert in_duckdb(db_file) is None and len(stored(db_file, ALL)) == 3


def test_a_move_stopped_after_the_store_committed_is_finished_without_copying_twice(db_file, monkeypatch):
    old = old_warehouse(db_file, monkeypatch, 4)
    con = duckdb.connect(str(db_file))
    assert audit_move.move_to_store(con) == 4  # the store commits; the drop (0891) never happens
    con.close()
    assert in_duckdb(db_file) == 4 and stored(db_file, ALL) == old
    con = connect(db_file)
    assert stored(db_file, ALL) == old and in_duckdb_of(con) is None
    con.close()


def test_a_store_holding_another_chain_is_refused_and_nothing_moves(db_file, tmp_path, monkeypatch):
    other = tmp_path / "other.duckdb"
    con = connect(other)
    record_access(con, EVE, method="GET", route="/care", scope=EVE.scope)
    con.close()
    old_warehouse(db_file, monkeypatch, 3)
    copy_audit(other, db_file)
    with pytest.raises(ConfigError, match="already holds 1 rows"):
        connect(db_file)
    assert in_duckdb(db_file) == 3 and len(stored(db_file, ALL)) == 1


def test_a_chain_already_broken_in_duckdb_moves_with_its_break(db_file, monkeypatch):
    old_warehouse(db_file, monkeypatch, 5, edit=3)
    con = connect(db_file)
    found = first_break(con)
    assert found is not None and found.seq == 3 and "edited" in found.reason
    assert in_duckdb_of(con) is None and chain_length(con) == 5
    con.close()


def test_a_warehouse_not_yet_moved_is_refused_when_opened_read_only(db_file, monkeypatch):
    old_warehouse(db_file, monkeypatch, 2)
    con = connect(db_file, read_only=True)
    with pytest.raises(ConfigError, match="still in the warehouse file"):
        chain_length(con)  # not an empty, clean audit
    con.close()


def test_an_edit_in_the_store_is_named_at_its_row_and_plain_edits_are_refused(db_file):
    con = connect(db_file)
    for pid in (1, 2, 3, 4):
        record_access(con, EVE, method="GET", route="/care/people/{id}", person_id=pid, scope=EVE.scope)
    import sqlite3
    from contextlib import closing

    with closing(sqlite3.connect(audit_path(db_file))) as db:
        for sql in ("UPDATE audit_log SET detail = 'x' WHERE seq = 3", "DELETE FROM audit_log WHERE seq = 3"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                db.execute(sql)
    assert first_break(con) is None
    tamper(db_file, "UPDATE audit_log SET person_id = 7 WHERE seq = 3")
    found = first_break(con)
    assert (found.seq, "edited" in found.reason) == (3, True)
    tamper(db_file, "UPDATE audit_log SET person_id = 3 WHERE seq = 3")
    assert verify_chain(con)
    tamper(db_file, "DELETE FROM audit_log WHERE seq = 2")
    found = first_break(con)
    assert (found.seq, "does not follow" in found.reason) == (3, True)
    con.close()


def test_threads_appending_at_once_keep_one_linear_chain(db_file):
    """Sixteen threads, half through one shared writer and half with ``record_access`` on their own cursors."""
    con = connect(db_file)
    writer, go, errors = AuditWriter(con), threading.Barrier(16), []

    def append(i: int) -> None:
        cur = con.cursor()
        user = User(f"t{i}", "T", "care_team", practice_code="C82001")
        go.wait()
        try:
            for n in range(30):
                if i % 2:
                    writer.record(user, method="GET", route="/care", person_id=n, scope=user.scope)
                else:
                    record_access(cur, user, method="GET", route="/care", person_id=n, scope=user.scope)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            cur.close()

    threads = [threading.Thread(target=append, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    rows = stored(db_file, ALL)
    assert [r[0] for r in rows] == list(range(1, 481))  # numbered without gaps or repeats
    assert [r[-2] for r in rows[1:]] == [r[-1] for r in rows[:-1]]  # each row links to the one before
    assert sorted((r[2], r[6]) for r in rows) == sorted((f"t{i}", n) for i in range(16) for n in range(30))
    assert first_break(con) is None
    con.close()


APPENDER = """
import sys, time
from pathlib import Path
from pophealth.access.audit import record_access
from pophealth.access.roles import User
from pophealth.warehouse import connect
con = connect(sys.argv[1], read_only=True)
user = User(sys.argv[2], "P", "care_team", practice_code="C82001")
Path(sys.argv[3]).touch()
while not Path(sys.argv[4]).exists():  # both start appending at the same moment
    time.sleep(0.001)
for n in range(200):
    record_access(con, user, method="EXPORT", route="phm worklist", person_id=n, scope=user.scope)
"""


def test_processes_appending_at_once_keep_one_linear_chain(db_file):
    """Four read-only processes on one warehouse (DuckDB lets several read) append to its one store: SQLite's
    write lock, taken before the head is read, orders them as the append lock orders threads."""
    connect(db_file).close()
    go = db_file.with_name("go")
    env = {**os.environ, "PYTHONPATH": str(Path(pophealth.__file__).parents[1])}  # this checkout's package
    procs = [subprocess.Popen([sys.executable, "-c", APPENDER, str(db_file), f"p{i}", str(db_file.with_name(f"ready{i}")),
                               str(go)], env=env, stderr=subprocess.PIPE, text=True) for i in range(4)]
    deadline = time.monotonic() + 120
    while not all(db_file.with_name(f"ready{i}").exists() for i in range(4)) and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()
    for p in procs:
        assert p.wait(timeout=120) == 0, p.stderr.read()
    rows = stored(db_file, ALL)
    assert [r[0] for r in rows] == list(range(1, 801))
    assert [r[-2] for r in rows[1:]] == [r[-1] for r in rows[:-1]]
    assert {r[2] for r in rows} == {"p0", "p1", "p2", "p3"}
    con = connect(db_file, read_only=True)
    assert first_break(con) is None
    con.close()


def test_an_in_memory_warehouse_has_its_own_audit_seen_through_any_cursor():
    one, two = connect(":memory:"), connect(":memory:")
    cursor = one.cursor()
    record_access(cursor, EVE, method="GET", route="/care", scope=EVE.scope)
    AuditWriter(one).record(EVE, method="GET", route="/care/worklists/frailty", scope=EVE.scope)
    another = one.cursor()
    assert [r["route"] for r in audit_rows(another)] == ["/care/worklists/frailty", "/care"]
    assert verify_chain(another) and store_for(another) is store_for(cursor) is store_for(one)
    assert audit_rows(two) == [] and store_for(two) is not store_for(one)
    record_access(two, EVE, method="GET", route="/other", scope=EVE.scope)
    assert [r["route"] for r in audit_rows(two)] == ["/other"] and chain_length(one) == 2
    for c in (cursor, another, one, two):
        c.close()


def test_a_copy_of_the_store_holds_rows_still_in_the_write_ahead_log(db_file, tmp_path):
    con = connect(db_file)
    for pid in range(5):
        record_access(con, EVE, method="GET", route="/care/people/{id}", person_id=pid, scope=EVE.scope)
    target = tmp_path / "copy.duckdb"
    assert copy_audit(db_file, target)
    assert stored(target, ALL) == stored(db_file, ALL) and len(stored(target, ALL)) == 5
    assert not copy_audit(tmp_path / "none.duckdb", tmp_path / "x.duckdb")
    con.close()


def test_search_dates_are_whole_days_on_the_stored_text(db_file, monkeypatch):
    """A 'to' date includes its last second and not the next midnight; 'from' includes its midnight."""
    con = connect(db_file)
    for moment in ("2026-03-01 23:59:59", "2026-03-02 00:00:00", "2026-03-02 23:59:59", "2026-03-03 00:00:00"):
        monkeypatch.setattr(audit, "_now", lambda moment=moment: moment)
        record_access(con, EVE, method="GET", route="/care/people/{id}", person_id=1, scope=EVE.scope)
    found = search_audit(con, AuditQuery(date_from=date(2026, 3, 2), date_to=date(2026, 3, 2)))
    assert [str(r["accessed_at"]) for r in found] == ["2026-03-02 23:59:59", "2026-03-02 00:00:00"]
    assert [r["seq"] for r in search_audit(con, AuditQuery(route="people/{", username="eve"), limit=2)] == [4, 3]
    assert search_audit(con, AuditQuery(route="PEOPLE")) == []  # a part of the route, as typed
    con.close()
