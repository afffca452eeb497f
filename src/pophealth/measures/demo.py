"""What the demo loads for the measures (``pophealth.demo.measures`` runs it): the published statistics
shipped with pophealth, and the seeds' own narratives.

Nothing here is made up: the cancer waiting times and the curated extracts of A&E, ambulance,
waiting-list, bed, discharge, Talking Therapies and Fingertips releases are real published figures
(their provenance ships beside them). A measure whose source is not held here stays "no data yet".
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import duckdb

from pophealth.measures import narrative
from pophealth.sources.nhse_stats import load_nhse_files
from pophealth.sources.public_extracts import load_public_extracts
from pophealth.strategy import load_strategy
from pophealth.warehouse import transaction

CWT_FILE = "cwt_llr_subicb_2023-04_to_2023-10.csv"


def shipped_cwt() -> Path:
    return Path(str(resources.files("pophealth.measures") / "data" / CWT_FILE))


def load_measures_demo(con: duckdb.DuckDBPyConnection, strategy_dir: str | Path | None = None) -> dict[str, int]:
    """Load the shipped published statistics and the seed narratives, all in one transaction."""
    strategy = load_strategy(strategy_dir)
    with transaction(con):
        # Warehouses built by earlier versions held made-up demo series; they are removed, never shown.
        con.execute("DELETE FROM metric_observation WHERE is_synthetic")
        counts = load_nhse_files(con, [shipped_cwt()])
        report = load_public_extracts(con)
        counts.update(report.files)
        counts["findings"] = len(report.findings)
        counts["narratives"] = narrative.seed_narratives(con, strategy)
    return counts
