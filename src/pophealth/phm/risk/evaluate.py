"""The evaluation report of a risk score on the year after the cut-off (PHM.md §5.3).

Discrimination, calibration and case-finding with seeded bootstrap 95% intervals, a calibration
table by decile, and fairness tables by IMD quintile and ethnic group. Fairness uses the overall
top-5% threshold, so PPV and the share flagged show how one list treats each group.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd

from pophealth.phm.risk import metrics as m

TOP_FRACTIONS = {"top1": 0.01, "top5": 0.05}


def _clean(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), 6)


def headline_stats(y: np.ndarray, p: np.ndarray, ids: np.ndarray) -> dict[str, Callable]:
    """The statistics with intervals: AUROC, calibration slope and intercept, PPV and capture at the top 1%/5%."""
    stats: dict[str, Callable] = {"auroc": lambda w: m.auroc(y, p, w),
                                  "calibration_slope": lambda w: m.calibration_slope(y, p, w),
                                  "calibration_intercept": lambda w: m.calibration_intercept(y, p, w)}
    for key, frac in TOP_FRACTIONS.items():
        flags = m.top_flags(p, frac, ids)
        stats[f"ppv_{key}"] = lambda w, f=flags: m.ppv_capture(y, f, w)[0]
        stats[f"capture_{key}"] = lambda w, f=flags: m.ppv_capture(y, f, w)[1]
    return stats


def point_figures(y: np.ndarray, p: np.ndarray, ids: np.ndarray) -> dict:
    """Size, events and the figures reported without an interval."""
    out: dict = {"n": int(len(y)), "events": int(y.sum()), "event_rate": _clean(y.mean()) if len(y) else None,
                 "observed_expected": _clean(m.observed_expected(y, p)), "brier": _clean(m.brier(y, p))}
    for key, frac in TOP_FRACTIONS.items():
        out[f"flagged_{key}"] = int(m.top_flags(p, frac, ids).sum())
    return out


def compare(y: np.ndarray, scores: dict[str, np.ndarray], ids: np.ndarray, reps: int, seed: int,
            main: str = "model") -> dict[str, dict]:
    """Figures for every score, with paired bootstrap intervals; baselines get AUROC (and the main
    model's AUROC gain over them) with intervals, the rest as points."""
    stats: dict[str, Callable] = {}
    for name, p in scores.items():
        if name == main:
            stats.update({f"{name}.{k}": f for k, f in headline_stats(y, p, ids).items()})
        else:
            stats[f"{name}.auroc"] = lambda w, p=p: m.auroc(y, p, w)
            stats[f"{name}.auroc_gain"] = lambda w, p=p: m.auroc(y, scores[main], w) - m.auroc(y, p, w)
    estimates = m.bootstrap(stats, len(y), reps, seed)
    out: dict[str, dict] = {}
    for name, p in scores.items():
        figures = point_figures(y, p, ids)
        if name != main:
            figures.update({k: _clean(f(None)) for k, f in headline_stats(y, p, ids).items()})
        out[name] = figures
    for key, est in estimates.items():
        name, stat = key.split(".", 1)
        out[name][stat] = _clean(est.value)
        out[name][f"{stat}_ci"] = [_clean(est.low), _clean(est.high)]
    return out


def fairness(y: np.ndarray, p: np.ndarray, ids: np.ndarray, groups: pd.Series) -> list[dict]:
    """Per group: size, events, observed and mean predicted risk, O/E, calibration intercept and slope,
    AUROC, and the share flagged and PPV at the overall top 5%."""
    flags = m.top_flags(p, TOP_FRACTIONS["top5"], ids)
    rows = []
    labels = groups.astype(str).to_numpy()
    for label in sorted(set(labels)):
        sel = labels == label
        yy, pp, ff = y[sel], p[sel], flags[sel]
        enough = 0 < yy.sum() < len(yy)
        rows.append({
            "group": label, "n": int(sel.sum()), "events": int(yy.sum()),
            "observed": _clean(yy.mean()), "predicted": _clean(pp.mean()),
            "observed_expected": _clean(m.observed_expected(yy, pp)),
            "calibration_intercept": _clean(m.calibration_intercept(yy, pp)) if enough else None,
            "calibration_slope": _clean(m.calibration_slope(yy, pp)) if enough else None,
            "auroc": _clean(m.auroc(yy, pp)) if enough else None,
            "flagged_top5": int(ff.sum()), "share_flagged_top5": _clean(ff.mean()),
            "ppv_top5": _clean(m.ppv_capture(yy, ff)[0]) if ff.any() else None,
        })
    return rows


IMD_QUINTILE_LABELS = {1: "1 (most deprived)", 2: "2", 3: "3", 4: "4", 5: "5 (least deprived)"}


def imd_quintile_labels(quintile: pd.Series) -> pd.Series:
    """IMD quintile (1 = most deprived 20% of LSOAs in England) as a label; "Unknown" without an LSOA."""
    return quintile.map(lambda q: "Unknown" if pd.isna(q) else IMD_QUINTILE_LABELS[int(q)])
