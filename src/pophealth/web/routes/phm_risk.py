"""The admission-risk model report on the PHM page: discrimination against both baselines, calibration,
case-finding and fairness, from the latest stored run.

Aggregates only: every count (people, events, people flagged, decile sizes) goes through
``pophealth.disclosure.protect_table``, and rates of a row whose count is suppressed are suppressed with
it. The calibration plot is redrawn from the protected decile table, so its text carries no raw count.
"""

from __future__ import annotations

import duckdb
import pandas as pd
from pydantic import BaseModel, Field

from pophealth.disclosure import protect_table
from pophealth.phm.risk.chart import calibration_chart
from pophealth.phm.risk.store import latest_admission

SCORES = {"model": "Risk model", "age_sex": "Baseline: age and sex",
          "age_sex_prior": "Baseline: age, sex and prior admissions", "ltc": "Baseline: number of LTCs"}
TOPS = {"top1": "Top 1%", "top5": "Top 5%"}
FAIRNESS = {"imd_quintile": "By IMD 2025 quintile", "ethnic_group": "By ethnic group"}


class Interval(BaseModel):
    value: float | None
    low: float | None = None
    high: float | None = None


class ScoreRow(BaseModel):
    name: str
    auroc: Interval
    gain: Interval | None = None  # the model's AUROC minus this baseline's, paired bootstrap


class TopRow(BaseModel):
    name: str
    flagged: int | None
    ppv: Interval
    capture: Interval


class DecileRow(BaseModel):
    decile: int
    people: int | None
    predicted: float | None
    observed: float | None


class FairnessRow(BaseModel):
    group: str
    people: int | None
    events: int | None
    observed: float | None
    predicted: float | None
    observed_expected: float | None
    auroc: float | None
    share_flagged_top5: float | None
    ppv_top5: float | None


class FairnessTable(BaseModel):
    caption: str
    rows: list[FairnessRow]


class RiskReport(BaseModel):
    run_id: str
    model: str
    cutoff: str
    training_cutoff: str
    people: int | None
    events: int | None
    event_rate: float | None
    bootstrap_replicates: int | None
    scores: list[ScoreRow]
    calibration_slope: Interval
    calibration_intercept: Interval
    observed_expected: float | None
    top: list[TopRow]
    deciles: list[DecileRow]
    fairness: list[FairnessTable]
    calibration_svg: str = Field(default="", exclude=True)


def _interval(figures: dict, key: str) -> Interval:
    low, high = (figures.get(f"{key}_ci") or [None, None])[:2]
    return Interval(value=figures.get(key), low=low, high=high)


def _none(v):
    return None if v is None or pd.isna(v) else v


def _protected(rows: list[dict], counts: list[str], rates: list[str]) -> list[dict]:
    if not rows:
        return []
    safe = protect_table(pd.DataFrame(rows), count_columns=counts, dependent_columns=rates)
    return [{k: _none(v) for k, v in r.items()} for r in safe.to_dict("records")]


def _ratio(top, bottom) -> float | None:
    """A rate from PROTECTED counts only: the unrounded rate times the rounded count gave the exact count back
    (the risk report's six-decimal ratios pinned ten counts)."""
    return None if top is None or not bottom else top / bottom


def _headline_counts(model: dict) -> dict:
    rows = [{"people": model["n"], "events": model["events"], "flagged_top1": model.get("flagged_top1"),
             "flagged_top5": model.get("flagged_top5"), "event_rate": model.get("event_rate")}]
    out = _protected(rows, ["people", "events", "flagged_top1", "flagged_top5"], ["event_rate"])[0]
    out["event_rate"] = _ratio(out["events"], out["people"])
    return out


def _fairness(metrics: dict) -> list[FairnessTable]:
    out = []
    rates = ["observed", "predicted", "observed_expected", "auroc", "share_flagged_top5", "ppv_top5"]
    for axis, caption in FAIRNESS.items():
        rows = [{"group": r["group"], "people": r["n"], "events": r["events"], "flagged_top5": r["flagged_top5"],
                 **{k: r.get(k) for k in rates}} for r in metrics.get("fairness", {}).get(axis, [])]
        safe = _protected(rows, ["people", "events", "flagged_top5"], rates)
        for r in safe:  # every rate from the protected counts; model outputs shown to two decimals
            r["observed"] = _ratio(r["events"], r["people"])
            r["share_flagged_top5"] = _ratio(r["flagged_top5"], r["people"])
            r["observed_expected"] = _ratio(r["observed"], r["predicted"])
            r["ppv_top5"] = None if r["ppv_top5"] is None else round(r["ppv_top5"], 2)
        out.append(FairnessTable(caption=caption, rows=[FairnessRow(**{k: r[k] for k in FairnessRow.model_fields})
                                                         for r in safe]))
    return out


def risk_report(con: duckdb.DuckDBPyConnection) -> RiskReport | None:
    """The latest admission-risk run as a publishable report, or None before the first run."""
    latest = latest_admission(con)
    if latest is None:
        return None
    run, model, baselines = latest
    met = run["metrics"]
    counts = _headline_counts(model)
    scores = [ScoreRow(name=SCORES["model"], auroc=_interval(model, "auroc"))]
    scores += [ScoreRow(name=SCORES.get(k, k), auroc=_interval(b, "auroc"), gain=_interval(b, "auroc_gain"))
               for k, b in baselines.items()]
    top = [TopRow(name=label, flagged=counts.get(f"flagged_{key}"), ppv=_interval(model, f"ppv_{key}"),
                  capture=_interval(model, f"capture_{key}")) for key, label in TOPS.items()]
    # a decile's observed rate times its people is its count of events: that count passes the policy too,
    # and the rate shown is computed from the protected counts
    bins = _protected([{"bin": b["bin"], "people": b["n"], "predicted": b["predicted"], "observed": b["observed"],
                        "events": None if b["observed"] is None else round(b["observed"] * b["n"])}
                       for b in met.get("calibration_deciles", [])], ["people", "events"], ["predicted", "observed"])
    for b in bins:
        b["observed"] = _ratio(b["events"], b["people"])
    deciles = [DecileRow(decile=b["bin"], people=b["people"], predicted=b["predicted"], observed=b["observed"])
               for b in bins]
    shown = [{"bin": b["bin"], "n": b["people"] or 0, "predicted": b["predicted"], "observed": b["observed"]}
             for b in bins if b["predicted"] is not None and b["observed"] is not None]
    report = RiskReport(
        run_id=run["run_id"], model=run["model"], cutoff=run["cutoff"].isoformat(),
        training_cutoff=run["training_cutoff"].isoformat(), people=counts["people"], events=counts["events"],
        event_rate=counts["event_rate"], bootstrap_replicates=met.get("bootstrap_replicates"), scores=scores,
        calibration_slope=_interval(model, "calibration_slope"),
        calibration_intercept=_interval(model, "calibration_intercept"),
        observed_expected=model.get("observed_expected"), top=top, deciles=deciles, fairness=_fairness(met))
    report.calibration_svg = calibration_chart(
        shown, ident="phm-risk-calibration",
        title=f"Calibration of the emergency admission risk model, year after {report.cutoff}")
    return report
