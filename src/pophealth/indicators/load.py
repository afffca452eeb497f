"""Loading the shipped LLR Fingertips snapshot into the warehouse (the demo's fingertips step runs it)."""

from __future__ import annotations

import duckdb

from pophealth.sources.fingertips_csv import SHIPPED_EXTRACTS, load_batches, read_batch, shipped_extract, summarise



def load_shipped_fingertips(con: duckdb.DuckDBPyConnection) -> list:
    """Load every shipped Fingertips file in one transaction; idempotent."""
    batches = [read_batch(str(shipped_extract(name)), snapshot_date=day) for name, day in SHIPPED_EXTRACTS]
    load_batches(con, batches)
    return [summarise(b) for b in batches]
