"""Demo step: the organisations, boards, people and memberships the seeds name. No meeting is added:
no seed gives a meeting date, so the calendar starts empty."""

from __future__ import annotations

import duckdb
from rich.console import Console

from pophealth.boards.store import load_shipped
from pophealth.demo.step import DemoStep


def boards_step() -> DemoStep:
    def run(con: duckdb.DuckDBPyConnection, console: Console) -> None:
        counts = load_shipped(con)
        console.print("  " + ", ".join(f"{k}: {v}" for k, v in counts.items()))

    return DemoStep("boards", "boards-v1-register", run)
