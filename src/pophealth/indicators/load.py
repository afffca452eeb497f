"""Loading the shipped LLR Fingertips snapshot into the warehouse (the demo's fingertips step runs it)."""

from __future__ import annotations

from datetime import date
from importlib import resources

import duckdb

from pophealth.sources.fingertips_csv import load_batches, read_batch, summarise

# (file, date the snapshot reflects); see indicators/data/PROVENANCE.md
SHIPPED = (
    ("fingertips_llr_ltla_extract_trafford_themes.csv", date(2026, 5, 13)),
    ("fingertips_sample_export_suicide_east_midlands_2015-17.csv", date(2019, 1, 1)),
)


def load_shipped_fingertips(con: duckdb.DuckDBPyConnection) -> list:
    """Load every shipped Fingertips file in one transaction; idempotent."""
    folder = resources.files("pophealth.indicators").joinpath("data")
    batches = [read_batch(str(folder.joinpath(name)), snapshot_date=day) for name, day in SHIPPED]
    load_batches(con, batches)
    return [summarise(b) for b in batches]
