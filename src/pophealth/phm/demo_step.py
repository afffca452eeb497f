"""The demo build step: a PHM run on the demo population, redone when the definitions, code lists or
synthetic population change."""

from __future__ import annotations

import duckdb
from rich.console import Console


def phm_step():
    from pophealth.demo import DemoStep
    from pophealth.phm.codelists import package_version
    from pophealth.phm.definitions import definitions_version
    from pophealth.phm.run import run_phm
    from pophealth.synth.demo_step import synth_step

    def run(con: duckdb.DuckDBPyConnection, console: Console) -> None:
        run_id = run_phm(con=con)
        people = con.execute("SELECT people FROM phm_run WHERE run_id = ?", [run_id]).fetchall()[0][0]
        console.print(f"  PHM run {run_id}: {people:,} registered people")

    return DemoStep("phm", f"{definitions_version()}-{package_version()}-{synth_step().fingerprint}", run)
