"""The identity store: NHS number, name, date of birth, address and practice, kept apart from the warehouse.

Identifiers are for direct care only, so they never enter the analytical warehouse: they live in their own
SQLite file beside it (``<warehouse>.identity.sqlite``), keyed by the warehouse's pseudonymous ``person_id``.
Only the care-team routes open it, after the care relationship (practice or PCN scope) has been checked.
The store also keeps the disclosure log: one row per person whose identifiers a view showed (who, when,
which route, which NHS number), so the IG lead can answer "who saw this patient's details".

SQLite rather than DuckDB: a second, small file that the web app and the loaders can open concurrently,
and that cannot be attached to an analytical query by accident of sharing the warehouse connection.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pophealth.care.nhs_number import formatted, is_valid
from pophealth.errors import InputError, Problem
from pophealth.group_commit import GroupCommit

SUFFIX = ".identity.sqlite"
SCHEMA = """
CREATE TABLE IF NOT EXISTS person_identity (
    person_id     INTEGER PRIMARY KEY,   -- the warehouse's pseudonymous person key
    nhs_number    TEXT NOT NULL UNIQUE,  -- 10 digits, valid check digit
    given_name    TEXT,
    family_name   TEXT,
    birth_date    TEXT,                  -- ISO date
    address       TEXT,
    practice_code TEXT,
    source        TEXT NOT NULL          -- 'synthetic' or the load that wrote it
);
CREATE TABLE IF NOT EXISTS identity_disclosure (
    shown_at    TEXT NOT NULL,
    username    TEXT NOT NULL,
    route       TEXT NOT NULL,
    person_id   INTEGER NOT NULL,
    nhs_number  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS identity_disclosure_person ON identity_disclosure (person_id);
CREATE INDEX IF NOT EXISTS identity_disclosure_nhs ON identity_disclosure (nhs_number);
"""
COLUMNS = ("person_id", "nhs_number", "given_name", "family_name", "birth_date", "address", "practice_code", "source")


@dataclass(frozen=True)
class Identity:
    person_id: int
    nhs_number: str
    given_name: str | None
    family_name: str | None
    birth_date: dt.date | None
    address: str | None
    practice_code: str | None

    @property
    def name(self) -> str:
        """As practice systems list people: FAMILY, Given."""
        return ", ".join(p for p in ((self.family_name or "").upper(), self.given_name or "") if p) or "Name not recorded"

    @property
    def nhs_number_display(self) -> str:
        return formatted(self.nhs_number)


def store_path(warehouse: Path | str) -> Path:
    path = Path(warehouse)
    return path.with_name(path.name + SUFFIX)


def warehouse_file(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The file behind a warehouse connection, or None for an in-memory warehouse (which has no store)."""
    row = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    return Path(row[0]) if row and row[0] else None


_HELD = threading.local()  # per thread: the connections it keeps open, by store path, most recently used last
HELD_PER_THREAD = 8


@contextmanager
def open_store(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection to the store for one operation, kept open by the calling thread for the next one.

    Write-ahead logging lets page reads go on while a view's disclosure rows are written; ``synchronous=NORMAL``
    is durable across application crashes (WAL) without an fsync per write. Connections are kept, not closed
    after each operation: closing the last connection to a WAL database checkpoints it and removes the log
    (a sync to disk each time), which made opening the store per view cost several milliseconds of every
    care-team page. A kept connection is used only while its file is still the one at ``path`` (a replaced or
    deleted store is opened afresh: an open file's inode cannot be reused, so the check is exact)."""
    held: dict[str, tuple[int, sqlite3.Connection]] = _HELD.__dict__.setdefault("stores", {})
    key = str(path)
    try:
        inode = os.stat(path).st_ino
    except FileNotFoundError:
        inode = None
    kept = held.pop(key, None)
    if kept is not None and kept[0] != inode:
        kept[1].close()
        kept = None
    if kept is None:
        db = sqlite3.connect(path, timeout=10, check_same_thread=True)
        try:
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)
        except BaseException:
            db.close()
            raise
        kept = (os.stat(path).st_ino, db)
    held[key] = kept  # most recently used last
    while len(held) > HELD_PER_THREAD:
        held.pop(next(iter(held)))[1].close()
    yield kept[1]


def _check(rows: list[dict], origin: str) -> None:
    problems = []
    for i, r in enumerate(rows, start=1):
        if not is_valid(str(r.get("nhs_number") or "")):
            problems.append(Problem(origin, f"expected a 10-digit NHS number with a valid check digit, "
                                            f"got {r.get('nhs_number')!r}", row=i, column="nhs_number"))
    if problems:
        raise InputError(problems)


def replace_identities(path: Path, rows: Iterable[dict], *, source: str, origin: str) -> int:
    """Replace every identity from ``source`` with ``rows`` (one transaction: all or nothing)."""
    rows = [{**r, "nhs_number": str(r["nhs_number"]).replace(" ", ""), "source": source} for r in rows]
    _check(rows, origin)
    with open_store(path) as db, db:
        db.execute("DELETE FROM person_identity WHERE source = ?", [source])
        db.executemany(f"INSERT OR REPLACE INTO person_identity ({', '.join(COLUMNS)}) VALUES "
                       f"({', '.join('?' * len(COLUMNS))})", [[r.get(c) for c in COLUMNS] for r in rows])
    with open_store(path) as db:  # a load ends with everything in the store file itself, not its write-ahead log
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return len(rows)


def _identity(row: tuple) -> Identity:
    pid, nhs, given, family, dob, address, practice = row
    return Identity(int(pid), nhs, given, family, dt.date.fromisoformat(dob) if dob else None, address, practice)


def identities(path: Path | None, person_ids: Iterable[int]) -> dict[int, Identity]:
    """The identities held for these people (those without one are simply absent)."""
    ids = [int(p) for p in person_ids]
    if path is None or not path.is_file() or not ids:
        return {}
    with open_store(path) as db:
        rows = db.execute(f"SELECT {', '.join(COLUMNS[:-1])} FROM person_identity "
                          "WHERE person_id IN (SELECT value FROM json_each(?))", [json.dumps(ids)]).fetchall()
    return {int(r[0]): _identity(r) for r in rows}


def person_for_nhs_number(path: Path | None, nhs_number: str) -> int | None:
    if path is None or not path.is_file():
        return None
    with open_store(path) as db:
        row = db.execute("SELECT person_id FROM person_identity WHERE nhs_number = ?",
                         [nhs_number.replace(" ", "")]).fetchone()
    return int(row[0]) if row else None


_DISCLOSURE_LOGS: dict[Path, GroupCommit[tuple]] = {}
_DISCLOSURE_LOGS_LOCK = threading.Lock()


def _disclosure_log(path: Path) -> GroupCommit[tuple]:
    """One group commit per store: fifty care-team views at once write one SQLite transaction per batch,
    not fifty that wait on each other through SQLite's busy-wait backoff (seconds at the tail)."""
    def write(rows: list[tuple]) -> None:
        with open_store(path) as db, db:
            db.executemany("INSERT INTO identity_disclosure VALUES (?, ?, ?, ?, ?)", rows)

    known = _DISCLOSURE_LOGS.get(path)  # the path as given: resolving it walks the file system every view
    if known is not None:
        return known
    with _DISCLOSURE_LOGS_LOCK:
        log = _DISCLOSURE_LOGS.setdefault(path.resolve(), GroupCommit(write))
        _DISCLOSURE_LOGS[path] = log  # two spellings of one file share its one log
        return log


def disclosure_rows(username: str, route: str, shown: Iterable[Identity], at: str | None = None) -> list[tuple]:
    """The disclosure log's rows for one view that showed ``shown``'s identifiers (one moment per view)."""
    at = at or dt.datetime.now().replace(microsecond=0).isoformat(sep=" ")
    return [(at, username, route, i.person_id, i.nhs_number) for i in shown]


def log_disclosures(path: Path | None, rows: list[tuple]) -> int:
    """Append ``disclosure_rows`` (of one view or of many) to the store's log; returns how many once they are
    committed (with whatever other views' rows were queued: one transaction per batch)."""
    if path is None or not rows:
        return 0
    _disclosure_log(path).submit(rows)
    return len(rows)


def record_disclosure(path: Path | None, username: str, route: str, shown: Iterable[Identity]) -> int:
    """Log each person whose identifiers a view showed; returns how many once they are committed."""
    return log_disclosures(path, disclosure_rows(username, route, shown))


def disclosures(path: Path | None, *, person_id: int | None = None, username: str | None = None) -> list[dict]:
    """The disclosure log, newest first, optionally for one person or one user."""
    if path is None or not path.is_file():
        return []
    where, params = [], []
    if person_id is not None:
        where.append("person_id = ?")
        params.append(person_id)
    if username:
        where.append("username = ?")
        params.append(username)
    sql = "SELECT shown_at, username, route, person_id, nhs_number FROM identity_disclosure" + \
          (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY rowid DESC"
    with open_store(path) as db:
        return [dict(zip(("shown_at", "username", "route", "person_id", "nhs_number"), r))
                for r in db.execute(sql, params).fetchall()]
