"""Admission-risk model on a synthetic population: feature, training, scoring and full-run times, as JSON.

Run: PYTHONPATH=src python benchmarks/bench_risk.py [--people 200000] [--db /tmp/bench_risk.duckdb] [--reps 20]
The population is generated first (not timed here; see bench_synth.py). Models fit on one BLAS/OpenMP thread
unless POPHEALTH_MODEL_THREADS says otherwise.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import time
from pathlib import Path

import ibis
from threadpoolctl import threadpool_limits

from pophealth.geography.load import load_geography
from pophealth.omop import Cdm
from pophealth.phm.risk.models import RiskModel
from pophealth.phm.risk.pipeline import DEFAULT_CUTOFF, load_year, model_threads, run_risk
from pophealth.synth.generate import generate
from pophealth.warehouse import connect


def _timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, round(time.perf_counter() - start, 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reps", type=int, default=20, help="bootstrap resamples in the full run")
    parser.add_argument("--db", type=Path, default=Path("/tmp/bench_risk.duckdb"))
    args = parser.parse_args()
    args.db.unlink(missing_ok=True)
    con = connect(args.db)
    load_geography(con)
    con.close()
    generate(args.db, args.people, args.seed)
    con = connect(args.db)
    cdm = Cdm(ibis.duckdb.from_connection(con))
    t0 = DEFAULT_CUTOFF - dt.timedelta(days=365)
    train, train_s = _timed(lambda: load_year(cdm, t0))
    test, test_s = _timed(lambda: load_year(cdm, DEFAULT_CUTOFF))
    with threadpool_limits(limits=model_threads()):
        model, fit_s = _timed(lambda: RiskModel(seed=1).fit(train.features, train.admitted))
        _, score_s = _timed(lambda: model.predict(test.features))
    result, full_s = _timed(lambda: run_risk(con, DEFAULT_CUTOFF, seed=1, reps=args.reps, cdm=cdm))
    con.close()
    met = result["emergency_admission_12m"]["metrics"]
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({
        "people": args.people, "adults_train": len(train.features), "adults_scored": len(test.features),
        "features_train_seconds": train_s, "features_eval_seconds": test_s,
        "fit_admission_seconds": fit_s, "score_seconds": score_s,
        "full_run_seconds": full_s, "bootstrap_reps": args.reps, "model_threads": model_threads(),
        "peak_rss_gb": round(peak_kb / 1024 / 1024, 2),
        "auroc": met["model"]["auroc"], "baseline_age_sex_auroc": met["baselines"]["age_sex"]["auroc"],
        "baseline_ltc_auroc": met["baselines"]["ltc"]["auroc"],
        "targets": {"full_run_seconds": 300}}, indent=2))


if __name__ == "__main__":
    main()
