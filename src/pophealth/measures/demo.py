"""Demo build step: real cancer waiting times, synthetic series for the rest, seed narratives."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import duckdb
from rich.console import Console

from pophealth.measures import narrative, synthetic
from pophealth.sources.nhse_stats import load_nhse_files, write_observations
from pophealth.strategy import load_strategy
from pophealth.warehouse import transaction

CWT_FILE = "cwt_llr_subicb_2023-04_to_2023-10.csv"


def shipped_cwt() -> Path:
    return Path(str(resources.files("pophealth.measures") / "data" / CWT_FILE))


def load_measures_demo(con: duckdb.DuckDBPyConnection, strategy_dir: str | Path | None = None) -> dict[str, int]:
    """Load the real CWT extract, then synthetic series for operational measures without real rows."""
    strategy = load_strategy(strategy_dir)
    counts = load_nhse_files(con, [shipped_cwt()])
    real = {r[0] for r in con.execute(
        "SELECT DISTINCT metric_id FROM metric_observation WHERE NOT is_synthetic").fetchall()}
    with transaction(con):
        for m in strategy.measures:
            if m.data.kind == "operational" and m.data.metric_id not in real and m.id in synthetic.LEVELS:
                frame = synthetic.synthetic_observations(m)
                write_observations(con, frame, source_file=synthetic.SOURCE, synthetic=True)
                counts[f"synthetic:{m.id}"] = len(frame)
        counts["narratives"] = narrative.seed_narratives(con, strategy)
    return counts


def measures_demo_step():
    from pophealth.demo import DemoStep

    def run(con: duckdb.DuckDBPyConnection, console: Console) -> None:
        counts = load_measures_demo(con)
        synthetic_count = sum(1 for k in counts if k.startswith("synthetic:"))
        console.print(f"  cancer waiting times: {counts[CWT_FILE]} rows (real); {synthetic_count} synthetic "
                      f"demo series; {counts['narratives']} seed narratives")

    return DemoStep("measures", "measures-v1", run)
