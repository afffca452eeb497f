"""The audit of patient-level access: append-only, hash-chained so that any edit shows.

Every read of a patient-level view writes who, when, which person (or which worklist scope) and
which route. Rows are only ever inserted; each row's hash covers the previous row's hash, so
changing or deleting a row breaks the chain (``verify_chain``; ``pophealth audit verify``).

The rows live in the warehouse's audit store, an SQLite file beside it (``pophealth.access.audit_store``:
why SQLite, and how an in-memory warehouse has one too); every function here takes the warehouse connection
(or any cursor of it) its caller already has and finds the store from it.

Appends are serialised: reading the chain's head and inserting the next rows must be one step, or two readers
at once (two care-team users, each on their own cursor) would both chain onto the same row and fork the
chain. The store's append lock orders this process's appends, and each batch is one SQLite ``BEGIN
IMMEDIATE`` transaction, which orders appends from other processes too. The head is one index lookup
(``seq`` is the table's INTEGER PRIMARY KEY), whatever the log's length.

Appends go through group commit (``pophealth.group_commit``), one per store: each reader queues its row and
waits; whoever holds the append lock next writes every queued row, in order, in one transaction. A commit
costs an fsync (``synchronous=FULL``: a row must survive a power cut once its page was answered), so one
commit per reader made fifty care-team readers queue behind each other; one commit per batch keeps each
reader's guarantee (its row is committed before its page is answered, or its page fails) at a fraction of
the cost. ``record_access`` and ``AuditWriter`` share the same queue.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import duckdb

from pophealth.access.audit_store import AuditStore, store_for
from pophealth.access.roles import User
from pophealth.group_commit import GroupCommit

GENESIS = "0" * 64
COLUMNS = ("seq", "accessed_at", "username", "role", "method", "route", "person_id", "scope", "detail")
INSERT = (f"INSERT INTO audit_log ({', '.join(COLUMNS)}, prev_hash, row_hash) VALUES "
           f"({', '.join('?' * (len(COLUMNS) + 2))})")


def _row_hash(prev_hash: str, row: dict) -> str:
    payload = json.dumps({k: (str(v) if v is not None else None) for k, v in row.items()}, sort_keys=True)
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()


def _now() -> str:
    """The time of an access as stored and hashed: ``str`` of a datetime to the second, as the rows written in
    DuckDB were hashed (``str`` of their TIMESTAMP), so one rule covers old rows and new."""
    return str(datetime.now().replace(microsecond=0))


def entry(user: User, method: str, route: str, person_id: int | None = None, scope: str | None = None,
          detail: str | None = None) -> dict:
    """One access as it is queued for the log (numbered and chained when it is written)."""
    return {"accessed_at": _now(), "username": user.username, "role": user.role, "method": method, "route": route,
            "person_id": person_id, "scope": scope, "detail": detail}


def _write(store: AuditStore, batch: list[dict]) -> None:
    """Every queued row, numbered and chained on from the head, in one transaction (all are written, or none)."""
    with store.writing() as db:
        head = db.execute("SELECT seq, row_hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
        seq, prev = head if head else (0, GENESIS)
        values = []
        for queued in batch:
            seq += 1
            row = {"seq": seq, **queued}
            row_hash = _row_hash(prev, row)
            values.append([row[c] for c in COLUMNS] + [prev, row_hash])
            prev = row_hash
        db.executemany(INSERT, values)


_COMMITS: dict[str, GroupCommit[dict]] = {}
_COMMITS_LOCK = threading.Lock()


def _commits(store: AuditStore) -> GroupCommit[dict]:
    with _COMMITS_LOCK:
        found = _COMMITS.get(store.key)
        if found is None:
            found = _COMMITS[store.key] = GroupCommit(lambda batch: _write(store, batch), store.lock)
        return found


def record_access(con: duckdb.DuckDBPyConnection, user: User, *, method: str, route: str,
                  person_id: int | None = None, scope: str | None = None, detail: str | None = None) -> None:
    """Append one audit row to the audit of ``con``'s warehouse; returns once it is committed."""
    _commits(store_for(con)).submit([entry(user, method, route, person_id, scope, detail)])


class AuditWriter:
    """Appends for one connection's warehouse (see the module docstring). Thread-safe.

    The store is found on the first append, not when the writer is made: a server on read-only storage
    starts and serves its public pages without ever touching the audit."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self._store: AuditStore | None = None
        self._finding = threading.Lock()

    def record(self, user: User, *, method: str, route: str, person_id: int | None = None,
               scope: str | None = None, detail: str | None = None) -> None:
        """Append one audit row; returns once it is committed, raises if its batch could not be."""
        self.record_entries([entry(user, method, route, person_id, scope, detail)])

    def record_entries(self, entries: list[dict]) -> None:
        """Append ``entry`` rows (of one reader or of many), in order; returns once all are committed."""
        _commits(self._store or self._find()).submit(entries)

    def _find(self) -> AuditStore:
        """The store, looked up once, on a cursor of its own (readers share the connection across threads)."""
        with self._finding:
            if self._store is None:
                cur = self._con.cursor()
                try:
                    self._store = store_for(cur)
                finally:
                    cur.close()
            return self._store


def _row(r: tuple) -> dict:
    row = dict(zip(COLUMNS, r))
    row["accessed_at"] = datetime.fromisoformat(row["accessed_at"])
    return row


def audit_rows(con: duckdb.DuckDBPyConnection, limit: int | None = None) -> list[dict]:
    """The audit, newest first (``accessed_at`` as a datetime, as the warehouse returned it)."""
    sql = f"SELECT {', '.join(COLUMNS)} FROM audit_log ORDER BY seq DESC" + (f" LIMIT {int(limit)}" if limit else "")
    return select_rows(con, sql)


def select_rows(con: duckdb.DuckDBPyConnection, sql: str, params: Iterable = ()) -> list[dict]:
    """The rows of one query over the audit store's ``audit_log`` that selects ``COLUMNS``, as dicts."""
    with store_for(con).reading() as db:
        return [_row(r) for r in db.execute(sql, list(params)).fetchall()]


@dataclass(frozen=True)
class ChainBreak:
    """The first row where the chain does not hold, and why."""

    seq: int
    reason: str

    def __str__(self) -> str:
        return f"audit row {self.seq}: {self.reason}"


def chain_break(rows: Iterable[tuple]) -> ChainBreak | None:
    """The first of ``rows`` (``COLUMNS`` then prev_hash and row_hash, in ``seq`` order) whose link or content
    does not match, or None when the chain holds."""
    prev = GENESIS
    for r in rows:
        row = dict(zip(COLUMNS, r[: len(COLUMNS)]))
        if r[-2] != prev:
            return ChainBreak(row["seq"], "it does not follow the row before it (a row was deleted, inserted or "
                                          "appended out of turn)")
        if _row_hash(prev, row) != r[-1]:
            return ChainBreak(row["seq"], "its content does not match its hash (the row was edited)")
        prev = r[-1]
    return None


def chained_rows(db: sqlite3.Connection) -> Iterable[tuple]:
    """Every row of a store with its hashes, in ``seq`` order, read as it goes (a long log is never held whole)."""
    return db.execute(f"SELECT {', '.join(COLUMNS)}, prev_hash, row_hash FROM audit_log ORDER BY seq")


def first_break(con: duckdb.DuckDBPyConnection) -> ChainBreak | None:
    """The first row (in ``seq`` order) whose link or content does not match, or None when the chain holds."""
    with store_for(con).reading() as db:
        return chain_break(chained_rows(db))


def verify_chain(con: duckdb.DuckDBPyConnection) -> bool:
    """True when every row's hash matches its content and the previous row's hash."""
    return first_break(con) is None


def chain_length(con: duckdb.DuckDBPyConnection) -> int:
    with store_for(con).reading() as db:
        return db.execute("SELECT count(*) FROM audit_log").fetchone()[0]
