"""Demo step: the shipped LLR Fingertips snapshot."""

from __future__ import annotations

import duckdb
from rich.console import Console

from pophealth.demo.step import DemoStep
from pophealth.indicators.load import load_shipped_fingertips


def fingertips_step() -> DemoStep:
    def run(con: duckdb.DuckDBPyConnection, console: Console) -> None:
        for r in load_shipped_fingertips(con):
            console.print(f"  {r.source}: {r.rows:,} rows, {r.indicators} indicators, {r.areas} areas")

    return DemoStep("fingertips", "fingertips-v1", run)
