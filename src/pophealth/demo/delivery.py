"""Demo step: the shipped strategy's actions on the tracker, unrated (no update is invented)."""

from __future__ import annotations

import duckdb
from rich.console import Console

from pophealth.delivery.demo import build_demo_tracker
from pophealth.demo.step import DemoStep


def delivery_step() -> DemoStep:
    def run(con: duckdb.DuckDBPyConnection, console: Console) -> None:
        counts = build_demo_tracker(con)
        console.print("  " + ", ".join(f"{k}: {v}" for k, v in counts.items()))

    return DemoStep("delivery", "delivery-v2-no-examples", run)
