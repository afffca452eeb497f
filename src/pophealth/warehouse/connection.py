"""Opening the warehouse file, with migrations applied on first use, and all-or-nothing writes."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import duckdb

from pophealth.config import db_path
from pophealth.errors import ConfigError
from pophealth.warehouse.served import served_cursor


def connect(
    path: str | os.PathLike[str] | None = None, *, read_only: bool = False, migrate: bool = True
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse (creating the file and its folder if needed) and bring its schema up to date."""
    from pophealth.warehouse.migrate import apply_migrations

    target = db_path(path)
    lent = served_cursor(target)  # a command run inside `pophealth serve`: the server's own database
    if lent is not None:
        return lent
    if str(target) != ":memory:":
        if read_only and not target.exists():
            raise ConfigError(f"No warehouse at {target}", hint="run `pophealth init` or `pophealth demo` first")
        target.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(target), read_only=read_only)
    except duckdb.IOException as exc:
        if read_only or not _read_only_storage(exc) or not Path(target).exists():
            raise ConfigError(f"Cannot open the warehouse {target}: {exc}") from None
        # a warehouse on read-only storage (a published copy, a read-only mount): commands that only read
        # (publish, phm summary, serve's public pages) still work; a write fails with DuckDB's own message
        try:
            con = duckdb.connect(str(target), read_only=True)
        except duckdb.IOException as again:
            raise ConfigError(f"Cannot open the warehouse {target}: {again}") from None
        return con
    if migrate and not read_only:
        apply_migrations(con)
    return con


def _read_only_storage(exc: Exception) -> bool:
    text = str(exc).lower()
    return "permission denied" in text or "read-only file system" in text or "read only" in text


def is_disk_full(exc: BaseException) -> bool:
    """Whether an error means the disk (or quota) is full, however DuckDB or the OS words it."""
    import errno

    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    text = str(exc).lower()
    return "no space left" in text or "disk quota exceeded" in text or "disk is full" in text


@contextlib.contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Run a block in one transaction: everything lands, or nothing does.

    A block inside another block on the same connection joins the outer transaction, so a loader
    that writes in its own transaction can be composed into a larger all-or-nothing load.
    """
    key = id(con)
    if _OPEN.get(key):
        _OPEN[key] += 1
        try:
            yield con
        finally:
            _OPEN[key] -= 1
        return
    con.execute("BEGIN TRANSACTION")
    _OPEN[key] = 1
    try:
        yield con
    except BaseException:
        con.execute("ROLLBACK")
        raise
    else:
        con.execute("COMMIT")
    finally:
        _OPEN.pop(key, None)


_OPEN: dict[int, int] = {}  # connection id -> depth of open transaction blocks


def default_path_exists(path: str | os.PathLike[str] | None = None) -> bool:
    """Whether the warehouse file already exists."""
    return Path(db_path(path)).exists()
