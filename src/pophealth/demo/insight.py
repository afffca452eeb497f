"""Demo step: the insight records of the seed documents, reloaded whenever the shipped file changes."""

from __future__ import annotations

import hashlib

import duckdb
from rich.console import Console

from pophealth.demo.step import DemoStep
from pophealth.insight.seeds import load_seed_insights, seed_insights_path
from pophealth.strategy import load_strategy


def insight_step() -> DemoStep:
    def run(con: duckdb.DuckDBPyConnection, console: Console) -> None:
        counts = load_seed_insights(con, load_strategy())
        console.print(f"  insight records of the strategy documents: {sum(counts.values())}")

    digest = hashlib.sha256(seed_insights_path().read_bytes()).hexdigest()[:12]
    return DemoStep("insight", f"insight-v1-{digest}", run)
