"""Small helpers over the DuckDB connection shared by the delivery modules."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import duckdb

from pophealth.errors import ConflictError
from pophealth.warehouse import transaction


def fetch_dicts(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


@contextlib.contextmanager
def write(con: duckdb.DuckDBPyConnection, what: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """One all-or-nothing write; DuckDB's own write-write conflict becomes a ``ConflictError``."""
    try:
        with transaction(con):
            yield con
    except duckdb.TransactionException as exc:
        with contextlib.suppress(duckdb.Error):  # a failed COMMIT leaves the transaction open
            con.execute("ROLLBACK")
        raise ConflictError(f"{what} was changed by someone else at the same time; reload and try again",
                            hint=str(exc).splitlines()[0]) from None
