"""Demo step: the LLR reference geography shipped with the package."""

from __future__ import annotations

import duckdb
from rich.console import Console

from pophealth.demo.step import DemoStep
from pophealth.geography.load import load_geography


def geography_step() -> DemoStep:
    def run(con: duckdb.DuckDBPyConnection, console: Console) -> None:
        counts = load_geography(con)
        console.print("  " + ", ".join(f"{t}: {n} rows" for t, n in counts.items()))

    return DemoStep("geography", "geography-v1", run)
