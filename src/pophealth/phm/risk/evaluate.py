"""The evaluation report of a risk score on the year after the cut-off (PHM.md §5.3).

Discrimination, calibration and case-finding with seeded bootstrap 95% intervals, a calibration
table by decile, and fairness tables by IMD quintile and ethnic group. Fairness uses the overall
top-5% threshold, so PPV and the share flagged show how one list treats each group.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from pophealth.phm.risk import metrics as m

TOP_FRACTIONS = {"top1": 0.01, "top5": 0.05}


def _clean(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), 6)


def headline(y: np.ndarray, p: np.ndarray, ids: np.ndarray, reps: int, seed: int) -> dict:
    """AUROC, calibration and top-1%/5% PPV and capture, each with a bootstrap interval."""
    n = len(y)
    out: dict = {"n": int(n), "events": int(y.sum()), "event_rate": _clean(y.mean()) if n else None}
    stats = {"auroc": lambda w: m.auroc(y, p, w),
             "calibration_slope": lambda w: m.calibration_slope(y, p, w),
             "calibration_intercept": lambda w: m.calibration_intercept(y, p, w),
             "observed_expected": lambda w: m.observed_expected(y, p, w),
             "brier": lambda w: m.brier(y, p, w)}
    for key, frac in TOP_FRACTIONS.items():
        flags = m.top_flags(p, frac, ids)
        stats[f"ppv_{key}"] = lambda w, f=flags: m.ppv_capture(y, f, w)[0]
        stats[f"capture_{key}"] = lambda w, f=flags: m.ppv_capture(y, f, w)[1]
        out[f"flagged_{key}"] = int(flags.sum())
    for i, (name, stat) in enumerate(stats.items()):
        est = m.bootstrap(stat, n, reps, seed + i)
        out[name] = _clean(est.value)
        out[f"{name}_ci"] = [_clean(est.low), _clean(est.high)]
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
