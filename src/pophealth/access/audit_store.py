"""Where the audit of patient-level access is kept: an SQLite file beside the warehouse, found from any cursor.

Every care-team view appends one audit row. DuckDB is an analytical store: a one-row insert and commit cost
about 2 ms of the web server's one interpreter, a large share of a care view under fifty clients. The audit is
an operational record (many small appends, read by an IG lead now and then), so, like the identity store and
its disclosure log, it lives in SQLite beside the warehouse: ``<warehouse file>.audit.sqlite``
(``audit_path``). Write-ahead logging lets the audit pages read while views append; ``synchronous=FULL``
makes each commit survive a power cut (an audit row must, once its page was answered), and group commit
(``pophealth.access.audit.AuditWriter``) shares that fsync among the readers waiting at the same moment.

Callers keep passing the warehouse connection they have: ``store_for(con)`` finds the store of that
connection's database. A file warehouse is found by its path. A warehouse in memory (tests, a demo) has no
path, so migration 0890 gives every warehouse a random id (``warehouse_id``), and its audit is an in-memory
SQLite database registered under that id for the life of the process: any cursor of the same DuckDB database
reads the same id and so the same audit, and another in-memory warehouse has another id. (A DuckDB database
tells Python nothing when it closes, so the audit cannot be dropped with it; an in-memory audit is small, and
keeping it too long loses nothing, whereas dropping it while a cursor still lives would lose audit rows.)

One ``AuditStore`` per database per process holds the append lock and one writer connection; readers of a
file store open their own connection (WAL: they never wait for the writer).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import weakref
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import duckdb

from pophealth.errors import ConfigError

SUFFIX = ".audit.sqlite"
# seq is the INTEGER PRIMARY KEY (the rowid), so the chain's head is one index lookup however long the log.
# accessed_at is kept as the text the row's hash covered ('YYYY-MM-DD HH:MM:SS'), which also sorts in time order.
# The triggers make the store append-only for every connection, not only for this code; the hash chain is what
# shows an edit made with the triggers removed.
SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_log (
    seq         INTEGER PRIMARY KEY,
    accessed_at TEXT NOT NULL,
    username    TEXT NOT NULL,
    role        TEXT NOT NULL,
    method      TEXT NOT NULL,
    route       TEXT NOT NULL,
    person_id   INTEGER,
    scope       TEXT,
    detail      TEXT,
    prev_hash   TEXT NOT NULL,
    row_hash    TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS audit_log_user ON audit_log (username, accessed_at);
CREATE INDEX IF NOT EXISTS audit_log_person ON audit_log (person_id);
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""


def audit_path(warehouse: Path | str) -> Path:
    """The audit store of a warehouse file: beside it, so that it is copied and backed up with it."""
    path = Path(warehouse)
    return path.with_name(path.name + SUFFIX)


class AuditStore:
    """The audit store of one warehouse. ``lock`` serialises this process's appends; ``writing`` and ``reading``
    give a connection (an in-memory store has one connection, used under the lock for reads too)."""

    def __init__(self, key: str, path: Path | None) -> None:
        self.key = key
        self.path = path  # None: in memory
        self.lock = threading.RLock()
        self._db: sqlite3.Connection | None = None
        self._file: tuple[int, int] | None = None  # (device, inode) the writer connection has open

    def __repr__(self) -> str:
        return f"AuditStore({self.key!r})"

    def _writer(self) -> sqlite3.Connection:
        """The writer connection, opened on first use, and again if the file was replaced or removed since (a
        connection to a deleted file would go on appending where nobody can read)."""
        if self.path is None:
            if self._db is None:
                self._db = _prepared(sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None))
            return self._db
        if self._db is None or _file_id(self.path) != self._file:
            if self._db is not None:
                self._db.close()
            self._db = _prepared(sqlite3.connect(self.path, timeout=30, check_same_thread=False,
                                                 isolation_level=None), durable=True)
            self._file = _file_id(self.path)
        return self._db

    @contextmanager
    def writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, under the append lock. ``BEGIN IMMEDIATE`` takes SQLite's write lock before
        the head is read, so appends from another process (a second command on a read-only warehouse) cannot
        fork the chain either."""
        with self.lock:
            db = self._writer()
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """A connection for reads. A file store that does not exist yet reads as an empty log (nothing is
        created by reading, so a warehouse on read-only storage can still be checked)."""
        if self.path is None:
            with self.lock:
                yield self._writer()
            return
        if not self.path.is_file():
            with closing(_prepared(sqlite3.connect(":memory:"))) as empty:
                yield empty
            return
        with closing(sqlite3.connect(self.path, timeout=30)) as db:
            db.execute("PRAGMA query_only=1")
            yield db


def _prepared(db: sqlite3.Connection, *, durable: bool = False) -> sqlite3.Connection:
    if durable:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=FULL")
    db.executescript(SCHEMA)
    return db


def _file_id(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_dev, st.st_ino


_STORES: dict[str, AuditStore] = {}
_BY_CONNECTION: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # connection or cursor -> its store
_LOCK = threading.Lock()


def store_for(con: duckdb.DuckDBPyConnection, *, moving: bool = False) -> AuditStore:
    """The audit store of the warehouse ``con`` (a connection or any cursor of it) is a connection to.

    Refuses a warehouse whose audit rows are still in DuckDB (one opened read-only, or without migrations,
    since the move): reading an empty store there would report a clean, empty audit. ``moving`` is for the
    move itself (``pophealth.access.audit_move``), which runs while they are."""
    with _LOCK:
        known = _BY_CONNECTION.get(con)
    if known is not None:
        return known
    key, path = _key(con)
    with _LOCK:
        store = _STORES.get(key)
    if store is None:
        if not moving:
            _refuse_unmoved(con)
        with _LOCK:
            store = _STORES.setdefault(key, AuditStore(key, path))
    with _LOCK:
        _BY_CONNECTION[con] = store
    return store


def _key(con: duckdb.DuckDBPyConnection) -> tuple[str, Path | None]:
    """The file of the connection's database, or for an in-memory one the id migration 0890 gave it."""
    row = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    if row and row[0]:
        path = audit_path(Path(row[0]).resolve())
        return str(path), path
    try:
        found = con.execute("SELECT id FROM warehouse_id").fetchone()
    except duckdb.CatalogException:
        found = None
    if not found:
        raise ConfigError("This in-memory warehouse has no id, so it has no audit store",
                          hint="open it with pophealth.warehouse.connect(':memory:'), which applies the migrations")
    return f"memory:{found[0]}", None


def _refuse_unmoved(con: duckdb.DuckDBPyConnection) -> None:
    held = con.execute("SELECT estimated_size FROM duckdb_tables() WHERE database_name = current_database() "
                       "AND schema_name = 'main' AND table_name = 'audit_log'").fetchone()
    if held is not None and con.execute("SELECT count(*) FROM audit_log").fetchone()[0]:
        raise ConfigError("The audit of this warehouse is still in the warehouse file, not yet in its audit store",
                          hint="open the warehouse once for writing (`pophealth init`): its audit rows are moved then")


def copy_audit(source: Path | str, target: Path | str) -> bool:
    """Copy the audit store of warehouse file ``source`` to beside warehouse file ``target`` (replacing any
    there); False when ``source`` has none. SQLite's backup, not a file copy: the newest rows may still be in
    the write-ahead log beside the file, and the backup is consistent even while the source is appended to."""
    src = audit_path(source)
    if not src.is_file():
        return False
    with closing(sqlite3.connect(src, timeout=30)) as a, closing(sqlite3.connect(audit_path(target), timeout=30)) as b:
        a.backup(b)
    return True
