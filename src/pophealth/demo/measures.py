"""Demo step: the published statistics shipped with pophealth, and the seeds' own narratives
(``pophealth.measures.demo.load_measures_demo`` says what is loaded and why nothing is made up)."""

from __future__ import annotations

import duckdb
from rich.console import Console

from pophealth.demo.step import DemoStep
from pophealth.measures.demo import load_measures_demo


def measures_step() -> DemoStep:
    def run(con: duckdb.DuckDBPyConnection, console: Console) -> None:
        counts = load_measures_demo(con)
        files = [k for k in counts if k.endswith(".csv")]
        console.print(f"  published statistics: {len(files)} files, {sum(counts[k] for k in files):,} rows; "
                      f"{counts['findings']} rows left out as data-quality findings; "
                      f"{counts['narratives']} seed narratives")

    return DemoStep("measures", "measures-v2-public", run)
