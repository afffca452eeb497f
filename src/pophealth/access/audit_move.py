"""Moving a warehouse's audit rows out of DuckDB into its audit store, once (run before migration 0891).

Warehouses made before the audit store kept ``audit_log`` in DuckDB. Migration 0891 drops that table; just
before it, inside the migration's DuckDB transaction, ``move_to_store`` copies every row, in ``seq`` order and
unchanged (the text of ``accessed_at`` is ``str`` of the TIMESTAMP, which is what each row's hash covered),
into the store, and commits the store only once the copy reads back identical to the DuckDB rows, row by
row and hash by hash (the same rows make the same chain, so it verifies after the move as it did before). So:

- a failure before the store commits leaves the store as it was and the DuckDB rows in place (the migration
  rolls back, and the warehouse fails to open with the error);
- a failure after the store commits but before the drop commits leaves both copies; the next open finds the
  store already holding exactly these rows and only drops the DuckDB table (nothing is moved twice);
- a store holding any other rows is refused: two chains cannot be merged without breaking one of them.

A chain that was already broken in DuckDB is moved as it is, break included: the move neither hides the
tampering nor refuses to open the warehouse; ``pophealth audit verify`` names the same row afterwards.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import duckdb

from pophealth.access.audit import COLUMNS, INSERT, chained_rows
from pophealth.access.audit_store import store_for
from pophealth.errors import ConfigError

_CHUNK = 50_000  # rows held at once: a year of use is millions of rows


def move_to_store(con: duckdb.DuckDBPyConnection) -> int:
    """Copy the DuckDB ``audit_log`` rows to the warehouse's audit store; returns how many were written."""
    found = con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = current_database() "
                        "AND schema_name = 'main' AND table_name = 'audit_log'").fetchone()[0]
    held = con.execute("SELECT count(*) FROM audit_log").fetchone()[0] if found else 0
    if not held:
        return 0
    store = store_for(con, moving=True)
    with store.writing() as db:
        there = db.execute("SELECT count(*) FROM audit_log").fetchone()[0]
        if there and there != held:
            raise _two_chains(store.key, held, there)
        if not there:
            for chunk in _chunks(_duckdb_rows(con)):
                db.executemany(INSERT, chunk)
        stored = chained_rows(db)
        for theirs, ours in itertools.zip_longest(_duckdb_rows(con), stored):
            if theirs != ours:
                raise (_two_chains(store.key, held, there) if there else
                       ConfigError(f"The audit rows read back from {store.key} differ from the warehouse's "
                                   f"(row {theirs and theirs[0]}); nothing was moved"))
    return 0 if there else held


def _duckdb_rows(con: duckdb.DuckDBPyConnection) -> Iterator[tuple]:
    """The DuckDB rows as the store holds them: ``accessed_at`` as the text its hash covered."""
    result = con.execute(f"SELECT {', '.join(COLUMNS)}, prev_hash, row_hash FROM audit_log ORDER BY seq")
    while rows := result.fetchmany(_CHUNK):
        for r in rows:
            yield (r[0], str(r[1]), *r[2:])


def _chunks(rows: Iterator[tuple]) -> Iterator[list[tuple]]:
    while chunk := list(itertools.islice(rows, _CHUNK)):
        yield chunk


def _two_chains(key: str, held: int, there: int) -> ConfigError:
    return ConfigError(f"The audit store {key} already holds {there:,} rows that are not this warehouse's "
                       f"{held:,} audit rows; nothing was moved",
                       hint="move that file aside (it may be another warehouse's audit), then open the warehouse again")
