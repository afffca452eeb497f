"""Identities read from a loaded person file (``pophealth.sources.identities``) go to the identity store
beside the warehouse, never to the warehouse: this is the sink the command line hands to ``load omop``.
"""

from __future__ import annotations

import duckdb

from pophealth.care.identity_store import replace_identities, store_path, warehouse_file
from pophealth.sources.identities import IdentitySink


def write_loaded_identities(con: duckdb.DuckDBPyConnection, rows: list[dict], *, source: str, origin: str) -> int:
    """Replace this source's identities in the store beside the warehouse (none for an in-memory one)."""
    warehouse = warehouse_file(con)
    if warehouse is None or not rows:
        return 0
    return replace_identities(store_path(warehouse), rows, source=source, origin=origin)


def identity_sink(con: duckdb.DuckDBPyConnection, source: str) -> IdentitySink:
    """The sink that writes a load's identities to the store beside ``con``'s warehouse."""
    return lambda rows, origin: write_loaded_identities(con, rows, source=source, origin=origin)
