"""The audit of patient-level access: append-only, hash-chained so that any edit shows.

Every read of a patient-level view writes who, when, which person (or which worklist scope) and
which route. Rows are only ever inserted; each row's hash covers the previous row's hash, so
changing or deleting a row breaks the chain (``verify_chain``; ``pophealth audit verify``).

Appends are serialised by one lock per process: reading the last hash and inserting the next row must
happen as one step, or two readers at once (two care-team users, each on their own cursor) would both
chain onto the same row and fork the chain. DuckDB's transactions alone do not prevent that (two inserts
never conflict), and only one process can hold the warehouse open for writing, so a process lock suffices.

A server with many readers at once appends through an ``AuditWriter`` (``pophealth.group_commit``): each reader
queues its row and waits; whoever holds the append lock next writes every queued row, in order, in one transaction. A
commit costs milliseconds (the write-ahead log is synced), so one commit per reader made fifty care-team
readers queue behind each other; one commit per batch keeps each reader's guarantee (its row is committed
before its page is answered, or its page fails) at a fraction of the cost.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from datetime import datetime

import duckdb

from pophealth.access.roles import User
from pophealth.group_commit import GroupCommit

GENESIS = "0" * 64
_APPEND = threading.Lock()
COLUMNS = ("seq", "accessed_at", "username", "role", "method", "route", "person_id", "scope", "detail")


def _row_hash(prev_hash: str, row: dict) -> str:
    payload = json.dumps({k: (str(v) if v is not None else None) for k, v in row.items()}, sort_keys=True)
    return hashlib.sha256((prev_hash + payload).encode()).hexdigest()


def record_access(con: duckdb.DuckDBPyConnection, user: User, *, method: str, route: str,
                  person_id: int | None = None, scope: str | None = None, detail: str | None = None) -> None:
    """Append one audit row: under the append lock and inside a transaction, so the chain stays linear."""
    with _APPEND:
        _append(con, user, method=method, route=route, person_id=person_id, scope=scope, detail=detail)


def _append(con: duckdb.DuckDBPyConnection, user: User, *, method: str, route: str,
            person_id: int | None, scope: str | None, detail: str | None) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        last = con.execute("SELECT row_hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
        prev = last[0] if last else GENESIS
        seq = con.execute("SELECT nextval('audit_seq')").fetchone()[0]
        row = {"seq": seq, "accessed_at": datetime.now().replace(microsecond=0), "username": user.username, "role": user.role,
               "method": method, "route": route, "person_id": person_id, "scope": scope, "detail": detail}
        con.execute(
            "INSERT INTO audit_log (seq, accessed_at, username, role, method, route, person_id, scope, detail, prev_hash, row_hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [*row.values(), prev, _row_hash(prev, row)],
        )
    except Exception:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


class AuditWriter:
    """Appends for one connection's warehouse with group commit (see the module docstring). Thread-safe."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con
        self._commits: GroupCommit[dict] = GroupCommit(self._write, _APPEND)

    def record(self, user: User, *, method: str, route: str, person_id: int | None = None,
               scope: str | None = None, detail: str | None = None) -> None:
        """Append one audit row; returns once it is committed, raises if its batch could not be."""
        self._commits.submit([{"accessed_at": datetime.now().replace(microsecond=0), "username": user.username,
                               "role": user.role, "method": method, "route": route, "person_id": person_id,
                               "scope": scope, "detail": detail}])

    def _write(self, batch: list[dict]) -> None:
        """Two statements per batch, under the append lock: the chain's head with the batch's numbers, then one
        INSERT of every row (one statement is one transaction: all rows are written, or none)."""
        con = self._con.cursor()
        try:
            # the head as a top-1 (DuckDB skips the row groups that cannot hold it), not arg_max, which reads
            # every row's hash: an append took 3.6 ms against 176 ms at five million rows (benchmarks/bench_audit.py)
            numbered = con.execute("SELECT (SELECT row_hash FROM audit_log ORDER BY seq DESC LIMIT 1), "
                                   "nextval('audit_seq') AS seq FROM range(?) ORDER BY seq", [len(batch)]).fetchall()
            prev = numbered[0][0] or GENESIS
            values: list = []
            for (_, seq), queued in zip(numbered, batch, strict=True):
                row = {"seq": seq, **queued}
                row_hash = _row_hash(prev, row)
                values += [row[c] for c in COLUMNS] + [prev, row_hash]
                prev = row_hash
            con.execute(
                "INSERT INTO audit_log (seq, accessed_at, username, role, method, route, person_id, scope, detail,"
                " prev_hash, row_hash) VALUES " + ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(batch)), values)
        finally:
            con.close()


def audit_rows(con: duckdb.DuckDBPyConnection, limit: int | None = None) -> list[dict]:
    sql = f"SELECT {', '.join(COLUMNS)} FROM audit_log ORDER BY seq DESC" + (f" LIMIT {int(limit)}" if limit else "")
    return [dict(zip(COLUMNS, r)) for r in con.execute(sql).fetchall()]


@dataclass(frozen=True)
class ChainBreak:
    """The first row where the chain does not hold, and why."""

    seq: int
    reason: str

    def __str__(self) -> str:
        return f"audit row {self.seq}: {self.reason}"


def first_break(con: duckdb.DuckDBPyConnection) -> ChainBreak | None:
    """The first row (in ``seq`` order) whose link or content does not match, or None when the chain holds."""
    prev = GENESIS
    for r in con.execute(f"SELECT {', '.join(COLUMNS)}, prev_hash, row_hash FROM audit_log ORDER BY seq").fetchall():
        row = dict(zip(COLUMNS, r[: len(COLUMNS)]))
        if r[-2] != prev:
            return ChainBreak(row["seq"], "it does not follow the row before it (a row was deleted, inserted or "
                                          "appended out of turn)")
        if _row_hash(prev, row) != r[-1]:
            return ChainBreak(row["seq"], "its content does not match its hash (the row was edited)")
        prev = r[-1]
    return None


def verify_chain(con: duckdb.DuckDBPyConnection) -> bool:
    """True when every row's hash matches its content and the previous row's hash."""
    return first_break(con) is None


def chain_length(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("SELECT count(*) FROM audit_log").fetchone()[0]
