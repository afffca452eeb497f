"""The serving process's own connection, lent to the commands it runs for the command line.

DuckDB allows one process to write a warehouse file, but inside that process any number of
cursors share one database (with MVCC). A command forwarded to ``pophealth serve`` runs inside
the server; while it runs, ``connect()`` on the served file returns a cursor on the server's
connection instead of opening the file again (which DuckDB would refuse with other settings).
A context variable keeps this to the forwarded command's own thread: web requests are untouched.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from pathlib import Path

import duckdb

_SERVED: contextvars.ContextVar[tuple[Path, duckdb.DuckDBPyConnection] | None] = contextvars.ContextVar(
    "pophealth_served_warehouse", default=None)


@contextlib.contextmanager
def lending(db: Path | str, con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """For the length of the block (in this context), ``connect(db)`` returns cursors on ``con``."""
    token = _SERVED.set((Path(db).resolve(), con))
    try:
        yield
    finally:
        _SERVED.reset(token)


def served_cursor(target: Path | str) -> duckdb.DuckDBPyConnection | None:
    """A cursor on the server's connection if ``target`` is the file being served here, else None."""
    lent = _SERVED.get()
    if lent is None or str(target) == ":memory:":
        return None
    db, con = lent
    return con.cursor() if Path(target).resolve() == db else None


def in_served_command() -> bool:
    """Whether this code runs as a command forwarded to the server (so it must not forward again)."""
    return _SERVED.get() is not None
