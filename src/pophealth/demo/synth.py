"""Demo step: 50,000 synthetic people, seed 1, rebuilt only when size, seed or generator change."""

from __future__ import annotations

import duckdb
from rich.console import Console

from pophealth.demo.step import DemoStep
from pophealth.synth.params import fingerprint

DEMO_PEOPLE = 50_000
DEMO_SEED = 1


def synth_step() -> DemoStep:
    from pophealth.synth.generate import generate_into

    def run(con: duckdb.DuckDBPyConnection, console: Console) -> None:
        rows = generate_into(con, DEMO_PEOPLE, DEMO_SEED)
        console.print("  " + ", ".join(f"{t}: {n:,}" for t, n in rows.items()))

    return DemoStep("synth", f"{fingerprint()}-n{DEMO_PEOPLE}-s{DEMO_SEED}", run)
