"""Train at T0 = T - 365 days, evaluate at T, score at the index date, store: the admission-risk and
mortality-risk runs.

Temporal validation (PHM.md §5.2): the models learn features at T0 and outcomes in (T0, T]; they
are then applied to features at T and judged on outcomes in (T, T + 365]. Features at any date use
only records up to that date, so nothing from the evaluation year reaches training.

Score only: the same fitted model then scores everyone with features at the index date S (by default the
latest PHM run's), so the 12 months it predicts, (S, S + 365], lie after the records: there is nothing to
evaluate there, and each person's top contributing factors are stored with the score.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from pophealth.errors import ConfigError
from pophealth.settings import current
from pophealth.omop import Cdm
from pophealth.phm.risk import eol, evaluate, store
from pophealth.phm.risk.factors import top_factors
from pophealth.phm.risk.chart import calibration_chart
from pophealth.phm.risk.features import build_features
from pophealth.phm.risk.metrics import calibration_bins
from pophealth.phm.risk.models import BASELINES, Baseline, RiskModel
from pophealth.phm.risk.outcomes import check_follow_up, outcomes

DEFAULT_CUTOFF = dt.date(2025, 3, 31)
ADULT_AGE = 18
MODEL_NAME = "L2 logistic regression (age spline, prior use, LTCs, eFI deficits)"


def model_threads() -> int:
    """BLAS and OpenMP threads for fitting and evaluation (``POPHEALTH_MODEL_THREADS``, default 1): on a
    shared, busy machine spinning worker threads made fitting 40 to 60 times slower than one thread."""
    return current().model_threads


@dataclass
class Year:
    """Adults' features at a date, with their outcomes in the following year."""

    features: pd.DataFrame
    admitted: np.ndarray
    died: np.ndarray


def load_year(cdm: Cdm, on: dt.date) -> Year:
    feats = build_features(cdm, on)
    feats = feats[feats["age"] >= ADULT_AGE]
    out = outcomes(cdm, on).reindex(feats.index)
    return Year(feats, out["admitted"].to_numpy(dtype=bool), out["died"].to_numpy(dtype=bool))


def load_current(cdm: Cdm, on: dt.date) -> pd.DataFrame:
    """Adults' features at the scoring date: records up to ``on`` only, and no outcomes (they lie ahead)."""
    feats = build_features(cdm, on)
    return feats[feats["age"] >= ADULT_AGE]


def score_only(model: RiskModel, features: pd.DataFrame, outcome: str, on: dt.date,
               eol_fraction: float = eol.DEFAULT_FRACTION) -> store.Scoring:
    """Score everyone in ``features`` (taken at ``on``) with a fitted model: the score, its rank and flags,
    the top contributing factors and, for the mortality model, the last-year-of-life list at ``on``
    (the palliative care register as at ``on``)."""
    with threadpool_limits(limits=model_threads()):
        score = model.predict(features)
        margin = model.margin(features)
        base, factors = top_factors(model, features)
    ids = features.index.to_numpy()
    scores = store.score_table("", ids, score).drop(columns="run_id").assign(margin=margin)
    wl = eol.worklist(features, score, eol_fraction) if outcome == store.DEATH else None
    return store.Scoring(scored_at=on, base_value=base, scores=scores, factors=factors, worklist=wl)


def default_score_date(con: duckdb.DuckDBPyConnection, cutoff: dt.date) -> dt.date:
    """The latest PHM run's index date; without a run, the end of the records. Never before the cut-off
    (a model is not applied to dates before the outcomes it was evaluated on)."""
    from pophealth.phm.run import default_index_date, latest_run

    run_id = latest_run(con)
    on = (con.execute("SELECT index_date FROM phm_run WHERE run_id = ?", [run_id]).fetchall()[0][0] if run_id
          else default_index_date(con))
    return max(on, cutoff)


def _report(year: Year, y: np.ndarray, model: np.ndarray, baselines: dict[str, np.ndarray],
            reps: int, seed: int) -> dict:
    ids = year.features.index.to_numpy()
    bins = calibration_bins(y, model)
    figures = evaluate.compare(y, {"model": model, **baselines}, ids, reps, seed)
    return {
        "model": figures.pop("model"),
        "baselines": figures,
        "calibration_deciles": bins,
        "fairness": {
            "imd_quintile": evaluate.fairness(y, model, ids, evaluate.imd_quintile_labels(year.features["imd_quintile"])),
            "ethnic_group": evaluate.fairness(y, model, ids, year.features["ethnic_group"]),
        },
    }


def _fit_and_report(train: Year, test: Year, outcome: str, seed: int,
                    reps: int) -> tuple[dict, np.ndarray, RiskModel]:
    y_train = train.admitted if outcome == store.ADMISSION else train.died
    y_test = test.admitted if outcome == store.ADMISSION else test.died
    started = time.perf_counter()
    with threadpool_limits(limits=model_threads()):
        model = RiskModel(seed=seed).fit(train.features, y_train)
        baselines = {k: Baseline(k).fit(train.features, y_train) for k in BASELINES}
        fit_seconds = time.perf_counter() - started
        score = model.predict(test.features)
        report = _report(test, y_test, score, {k: b.predict(test.features) for k, b in baselines.items()}, reps, seed)
    report["training"] = {"n": int(len(y_train)), "events": int(y_train.sum()), "fit_seconds": round(fit_seconds, 2),
                          "features": model.names, "penalty_c": model.penalty}
    report["bootstrap_replicates"] = reps
    return report, score, model


def run_risk(con: duckdb.DuckDBPyConnection, cutoff: dt.date = DEFAULT_CUTOFF, *, seed: int = 1,
             reps: int = 200, eol_fraction: float = eol.DEFAULT_FRACTION, cdm: Cdm | None = None,
             score_on: dt.date | None = None) -> dict:
    """Build both years, fit and evaluate both models, score at ``score_on`` and store two runs. Returns
    their ids, reports and scoring date.

    ``score_on`` defaults to ``default_score_date``; it cannot be before the cut-off. ``cdm`` lets the
    features come from another engine; without it they come from the ``POPHEALTH_ENGINE`` setting's engine
    (the warehouse's OMOP tables exported to Parquet for PySpark, as ``phm run`` does). Results are stored
    in ``con`` either way.
    """
    if score_on is not None and score_on < cutoff:
        raise ConfigError(f"The scoring date {score_on} is before the cut-off {cutoff}",
                          hint="score at the cut-off or later (the latest PHM run's index date by default)")
    if cdm is None and current().engine == "pyspark":
        from pophealth.warehouse.spark import spark_cdm

        with tempfile.TemporaryDirectory(prefix="pophealth-spark-") as folder:
            return run_risk(con, cutoff, seed=seed, reps=reps, eol_fraction=eol_fraction, score_on=score_on,
                            cdm=spark_cdm(con, Path(folder)))
    cdm = cdm or Cdm.of_warehouse(con)
    check_follow_up(cdm, cutoff)
    score_on = score_on or default_score_date(con, cutoff)
    t0 = cutoff - dt.timedelta(days=365)
    train, test = load_year(cdm, t0), load_year(cdm, cutoff)
    at_score_date = test.features if score_on == cutoff else load_current(cdm, score_on)
    ids = test.features.index.to_numpy()
    result = {}
    for outcome in (store.ADMISSION, store.DEATH):
        report, score, model = _fit_and_report(train, test, outcome, seed, reps)
        run_id = store.new_run_id(outcome, cutoff)
        wl = None
        if outcome == store.DEATH:
            report["last_year_of_life"] = eol.evaluate_flag(test.features, test.died, score, eol_fraction)
            wl = eol.worklist(test.features, score, eol_fraction)
        svg = calibration_chart(report["calibration_deciles"], ident=f"calibration-{outcome}",
                                title=f"Calibration of the {outcome.replace('_', ' ')} model, "
                                      f"cut-off {cutoff.isoformat()}")
        store.save_run(con, run_id=run_id, outcome=outcome, cutoff=cutoff, training_cutoff=t0, model=MODEL_NAME,
                       metrics=report, svg=svg, scores=store.score_table(run_id, ids, score), worklist=wl,
                       scoring=score_only(model, at_score_date, outcome, score_on, eol_fraction))
        result[outcome] = {"run_id": run_id, "metrics": report, "scored_at": score_on}
    return result
