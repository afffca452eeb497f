"""Demo step: a PHM run on the demo population, then the risk models trained on the year before the
default cut-off and judged on the year after it; redone when the definitions, code lists, risk model or
synthetic population change (the synth step's fingerprint is part of this one)."""

from __future__ import annotations

import duckdb
from rich.console import Console

from pophealth.demo.step import DemoStep
from pophealth.demo.synth import synth_step

DEMO_BOOTSTRAP = 50  # resamples for the demo's intervals: enough for a stable 95% interval, quick to build
RISK_VERSION = "risk-lr1-score1"  # bump when the risk model, its features or what a run stores change


def phm_step() -> DemoStep:
    from pophealth.phm.codelists import package_version
    from pophealth.phm.definitions import definitions_version
    from pophealth.phm.risk import run_risk
    from pophealth.phm.run import run_phm

    def run(con: duckdb.DuckDBPyConnection, console: Console) -> None:
        run_id = run_phm(con=con)
        people = con.execute("SELECT people FROM phm_run WHERE run_id = ?", [run_id]).fetchall()[0][0]
        console.print(f"  PHM run {run_id}: {people:,} registered people")
        risk = run_risk(con, reps=DEMO_BOOTSTRAP)["emergency_admission_12m"]["metrics"]
        model, base = risk["model"], risk["baselines"]
        console.print(f"  Admission risk model: AUROC {model['auroc']:.3f} (age+sex {base['age_sex']['auroc']:.3f}, "
                      f"LTC count {base['ltc']['auroc']:.3f})")

    return DemoStep("phm", f"{definitions_version()}-{package_version()}-{RISK_VERSION}-{synth_step().fingerprint}", run)
