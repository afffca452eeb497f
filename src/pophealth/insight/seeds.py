"""The first insight records, transcribed from the seed documents and shipped as package data.

``insight/data/seed_insights.csv`` is in the documented layout; loading it goes through the same importer
as any team's file, so the shipped records pass the same checks. Each record names its document and section.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import duckdb

from pophealth.insight.csv_import import import_insights
from pophealth.strategy.models import Strategy

SEED_FILE = "seed_insights.csv"


def seed_insights_path() -> Path:
    return Path(str(resources.files("pophealth.insight") / "data" / SEED_FILE))


def load_seed_insights(con: duckdb.DuckDBPyConnection, strategy: Strategy) -> dict[str, int]:
    """Import the shipped records (idempotent: a second load changes nothing)."""
    return import_insights(con, strategy, seed_insights_path(), by="seed documents")
