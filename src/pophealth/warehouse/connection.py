"""Opening the warehouse file, with migrations applied on first use, and all-or-nothing writes."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import duckdb

from pophealth.config import db_path
from pophealth.errors import ConfigError


def connect(
    path: str | os.PathLike[str] | None = None, *, read_only: bool = False, migrate: bool = True
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse (creating the file and its folder if needed) and bring its schema up to date."""
    from pophealth.warehouse.migrate import apply_migrations

    target = db_path(path)
    if str(target) != ":memory:":
        if read_only and not target.exists():
            raise ConfigError(f"No warehouse at {target}", hint="run `pophealth init` or `pophealth demo` first")
        target.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(target), read_only=read_only)
    except duckdb.IOException as exc:
        raise ConfigError(f"Cannot open the warehouse {target}: {exc}") from None
    if migrate and not read_only:
        apply_migrations(con)
    return con


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
