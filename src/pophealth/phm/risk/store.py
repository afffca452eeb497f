"""Writing risk runs, scores and the worklist to the warehouse, and reading the latest report back."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from pophealth.phm.risk import metrics as m
from pophealth.warehouse import transaction
from pophealth.warehouse.versions import product_current, record_use

ADMISSION, DEATH = "emergency_admission_12m", "death_12m"
DEFINITIONS_VERSION = "phm-risk-1"  # bump when features, outcomes or models change meaning


def new_run_id(outcome: str, cutoff: dt.date) -> str:
    return f"{outcome}-{cutoff:%Y%m%d}-{uuid.uuid4().hex[:8]}"


def score_table(run_id: str, ids: np.ndarray, score: np.ndarray) -> pd.DataFrame:
    """Rank 1 is the highest score (ties by person_id); top1/top5 flag the highest 1% and 5%."""
    order = np.lexsort((ids, -score))
    rank = np.empty(len(ids), dtype=np.int64)
    rank[order] = np.arange(1, len(ids) + 1)
    return pd.DataFrame({"run_id": run_id, "person_id": ids.astype(np.int64), "score": score, "rank": rank,
                         "top1": m.top_flags(score, 0.01, ids), "top5": m.top_flags(score, 0.05, ids)})


@dataclass
class Scoring:
    """A fitted model's scores at a date after its evaluation (score only): per person the score, margin,
    rank and flags; the top contributing factors; the last-year-of-life list (mortality model)."""

    scored_at: dt.date
    base_value: float
    scores: pd.DataFrame   # person_id, score, rank, top1, top5, margin
    factors: pd.DataFrame  # person_id, position, feature, value, contribution
    worklist: pd.DataFrame | None = None


def _save_scoring(con: duckdb.DuckDBPyConnection, run_id: str, scoring: Scoring) -> None:
    con.execute("INSERT INTO phm_risk_scoring VALUES (?, ?, ?, ?, now())",
                [run_id, scoring.scored_at, scoring.base_value, len(scoring.scores)])
    for table, frame, columns in (
            ("phm_risk_current_score", scoring.scores, "person_id, score, margin, rank, top1, top5"),
            ("phm_risk_factor", scoring.factors, "person_id, position, feature, value, contribution"),
            ("phm_eol_current", scoring.worklist, "person_id, practice_code, pcn_code, death_risk, rank, reasons")):
        if frame is None:
            continue
        con.register("_scoring", frame)
        con.execute(f"INSERT INTO {table} SELECT ? AS run_id, {columns} FROM _scoring", [run_id])
        con.unregister("_scoring")


def save_run(con: duckdb.DuckDBPyConnection, *, run_id: str, outcome: str, cutoff: dt.date,
             training_cutoff: dt.date, model: str, metrics: dict, svg: str | None,
             scores: pd.DataFrame, worklist: pd.DataFrame | None = None, scoring: Scoring | None = None) -> None:
    """Store one run with its scores (and worklist, and scores at a later date) all-or-nothing."""
    with transaction(con):
        con.execute("INSERT INTO phm_risk_run VALUES (?, ?, ?, ?, ?, ?, ?, ?, now())",
                    [run_id, outcome, cutoff, training_cutoff, model, json.dumps(metrics), svg,
                     DEFINITIONS_VERSION])
        record_use(con, "risk run", run_id)  # the population these scores describe (warehouse.versions)
        con.register("_risk_scores", scores)
        con.execute("INSERT INTO phm_risk_score SELECT run_id, person_id, score, rank, top1, top5 FROM _risk_scores")
        con.unregister("_risk_scores")
        if worklist is not None:
            con.register("_eol", worklist.assign(run_id=run_id))
            con.execute("INSERT INTO phm_eol_worklist SELECT run_id, person_id, practice_code, pcn_code, "
                        "death_risk, rank, reasons FROM _eol")
            con.unregister("_eol")
        if scoring is not None:
            _save_scoring(con, run_id, scoring)


def latest_run(con: duckdb.DuckDBPyConnection, outcome: str = ADMISSION) -> dict | None:
    """The newest run for an outcome: its id, dates, model, metrics and calibration SVG; ``scored_at`` is the
    date its model scored everyone at (None for a run stored before scoring at the index date existed)."""
    try:
        row = con.execute(
            "SELECT run_id, cutoff, training_cutoff, model, metrics, calibration_svg, definitions_version, "
            "r.created_at, s.scored_at FROM phm_risk_run r LEFT JOIN phm_risk_scoring s USING (run_id) "
            "WHERE outcome = ? ORDER BY r.created_at DESC, run_id DESC LIMIT 1",
            [outcome]).fetchone()
    except duckdb.CatalogException:
        return None
    if row is None:
        return None
    keys = ("run_id", "cutoff", "training_cutoff", "model", "metrics", "calibration_svg",
            "definitions_version", "created_at", "scored_at")
    run = dict(zip(keys, row))
    run["metrics"] = json.loads(run["metrics"])
    return run


def latest_admission(con: duckdb.DuckDBPyConnection) -> tuple[dict, dict, dict] | None:
    """The newest admission-risk run with its model's and its baselines' figures, or None."""
    run = latest_run(con, ADMISSION)
    return None if run is None else (run, run["metrics"]["model"], run["metrics"]["baselines"])


def latest_risk_report(con: duckdb.DuckDBPyConnection) -> dict | None:
    """The figures ``phm summary`` shows for the admission-risk model, or None before the first run."""
    latest = latest_admission(con)
    if latest is None:
        return None
    run, model, base = latest
    return {
        "run_id": run["run_id"], "cutoff": run["cutoff"].isoformat(), "model": run["model"],
        "created_at": run["created_at"].isoformat(timespec="seconds"),
        "definitions_version": run["definitions_version"],
        "n": model["n"], "events": model["events"],
        "auroc": model["auroc"], "auroc_ci": model["auroc_ci"],
        "baseline_age_sex_auroc": base["age_sex"]["auroc"], "baseline_ltc_auroc": base["ltc"]["auroc"],
        # runs stored before this baseline existed have no figure for it
        "baseline_age_sex_prior_auroc": base.get("age_sex_prior", {}).get("auroc"),
        "calibration_slope": model["calibration_slope"], "calibration_intercept": model["calibration_intercept"],
        "ppv_top1": model["ppv_top1"], "ppv_top5": model["ppv_top5"],
        "capture_top1": model["capture_top1"], "capture_top5": model["capture_top5"],
        # whether its scores describe the population now in the warehouse (False after a new population)
        "current": product_current(con, "risk run", run["run_id"]),
    }
