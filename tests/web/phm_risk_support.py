"""A copy of a PHM test warehouse with the risk models trained and stored (a small bootstrap)."""

from __future__ import annotations

import shutil
from pathlib import Path

from pophealth.phm.risk import run_risk
from pophealth.warehouse import connect


def with_risk_run(source: Path, target: Path, reps: int = 20) -> tuple[Path, dict]:
    shutil.copy(source, target)
    con = connect(target)
    try:
        result = run_risk(con, reps=reps)
    finally:
        con.close()
    return target, result
