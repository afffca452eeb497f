"""Fingertips recent-trend marker over the last five points (METHODS.md section 12;
fingertips-open ``TrendMarkerCalculator.cs``, FingertipsNext ``Calculator/Legacy``).

All series are cut to their five most recent valid points and stacked into one
(series x 5) array, so the tests run for every series at once.

The two Fingertips code bases name the markers differently, and a marker is written in the vocabulary
of the source it is compared with: fingertips-open (``TrendMarker``: Increasing, Decreasing, NoChange,
CannotBeCalculated; no combined polarity wording) and FingertipsNext (NoSignificantChange, and
"IncreasingAndGettingBetter" etc. when the polarity judges).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from pophealth.stats._frame import column
from pophealth.stats.grouping import group_rows
from pophealth.stats.polarity import HIGH_IS_GOOD, LOW_IS_GOOD, polarity_codes

POINTS = 5
CHI2_998 = 9.54953570608324  # chi-squared, 1 d.f., 99.8 %
CI_WEIGHTED, SPC_PROPORTIONS, NOT_SUPPORTED = "ci_weighted", "spc_proportions", "not_supported"
INCREASING, DECREASING = "Increasing", "Decreasing"
NO_CHANGE, CANNOT = "NoSignificantChange", "CannotBeCalculated"
FINGERTIPS_NEXT, FINGERTIPS_OPEN = "fingertips-next", "fingertips-open"
OPEN_NO_CHANGE = "NoChange"  # fingertips-open TrendMarker.NoChange
LABELS = {INCREASING: "Increasing", DECREASING: "Decreasing", NO_CHANGE: "No significant change",
          CANNOT: "Cannot be calculated", OPEN_NO_CHANGE: "No significant change",
          "IncreasingAndGettingBetter": "Increasing and getting better",
          "IncreasingAndGettingWorse": "Increasing and getting worse",
          "DecreasingAndGettingBetter": "Decreasing and getting better",
          "DecreasingAndGettingWorse": "Decreasing and getting worse"}


def _slopes(y: np.ndarray, w: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Weighted least-squares slope of y on t along the last axis."""
    s1, s3, s4 = w.sum(-1), (w * t).sum(-1), (w * y).sum(-1)
    s2, s5 = (w * y * t).sum(-1), (w * t * t).sum(-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (s1 * s2 - s3 * s4) / (s1 * s5 - s3**2)


def _leave_one_out(values: np.ndarray) -> np.ndarray:
    """(series x 5 x 4): each series with one point left out in turn."""
    keep = ~np.eye(POINTS, dtype=bool)
    return np.stack([values[:, keep[i]] for i in range(POINTS)], axis=1)


def ci_weighted(value: np.ndarray, lower: np.ndarray, upper: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Chi-squared, full slope and the 5 leave-one-out slopes, weighting by 1/SE^2 from the CIs."""
    t = np.arange(1, POINTS + 1, dtype=float)
    w = 1 / ((upper - lower) / 3.92) ** 2
    s1, s3, s5 = w.sum(-1), (w * t).sum(-1), (w * t * t).sum(-1)
    slope = _slopes(value, w, t)
    with np.errstate(invalid="ignore", divide="ignore"):
        chi2 = (slope / np.sqrt(s1 / (s1 * s5 - s3**2))) ** 2
    tt = np.ascontiguousarray(np.broadcast_to(t, value.shape))
    return chi2, slope, _slopes(_leave_one_out(value), _leave_one_out(w), _leave_one_out(tt))


def spc_proportions(count: np.ndarray, denom: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Chi-squared test for trend in proportions, with slopes of logit(r/n) on t."""
    t = np.arange(1, POINTS + 1, dtype=float)
    big_n, big_r = denom.sum(-1), count.sum(-1)
    nt, ntt, rt = (denom * t).sum(-1), (denom * t * t).sum(-1), (count * t).sum(-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        chi2 = big_n * (big_n * rt - big_r * nt) ** 2 / (
            big_r * (big_n - big_r) * (big_n * ntt - nt**2))
        logit = np.log(count / (denom - count))
    ones = np.ones_like(logit)
    tt = np.broadcast_to(t, logit.shape)
    return chi2, _slopes(logit, ones, tt), _slopes(_leave_one_out(logit), _leave_one_out(ones),
                                                   _leave_one_out(np.ascontiguousarray(tt)))


PROPORTIONS_FLAG = "use_proportions_for_trend"  # the indicator's own Fingertips flag


def _method_of(df: pd.DataFrame, method: str | None, value_type: str) -> pd.Series:
    """An explicit method (column or value) first; else the indicator's ``use_proportions_for_trend`` flag
    (Fingertips chooses the test by this flag, not by the unit); else the CI-weighted test. Indirectly
    standardised values are not supported either way."""
    if method and method in df.columns:
        return df[method].astype(str)
    if method:
        return pd.Series(method, index=df.index)
    types = df[value_type].astype(str).str.lower() if value_type in df.columns else pd.Series("", index=df.index)
    chosen = pd.Series(CI_WEIGHTED, index=df.index)
    if PROPORTIONS_FLAG in df.columns:
        flag = df[PROPORTIONS_FLAG].map(lambda v: str(v).strip().lower() in ("1", "true", "yes", "y"))
        chosen = pd.Series(np.where(flag, SPC_PROPORTIONS, CI_WEIGHTED), index=df.index)
    return pd.Series(np.where(types.str.contains("indirectly"), NOT_SUPPORTED, chosen), index=df.index)


def recent_trend(df: pd.DataFrame, *, by: Sequence[str] | str | None = None,
                 year: str = "year", count: str = "count", denominator: str = "denominator",
                 value: str = "value", lower: str = "lower95", upper: str = "upper95",
                 method: str | None = "method", value_type: str = "value_type",
                 polarity: str | None = "polarity", vocabulary: str = FINGERTIPS_NEXT) -> pd.DataFrame:
    """Trend marker per series (one row per group) from its five most recent annual points.

    ``method`` is a column or one of ci_weighted / spc_proportions / not_supported; without
    it, indirectly standardised proportions are not supported and everything else uses the
    CI-weighted method. Points need value, count, denominator and 95 % limits; the five
    most recent must be consecutive years, or the marker is CannotBeCalculated.

    ``vocabulary``: a column naming each series' source vocabulary, or one of fingertips-next (default) /
    fingertips-open; see the module docstring.
    """
    groups = group_rows(df, by)
    meth = groups.first(_method_of(df, method, value_type).to_numpy())
    pol = (polarity_codes(groups.first(df[polarity].to_numpy()))
           if polarity and polarity in df.columns else np.full(groups.count, 99))
    yr, cnt, den = column(df, year), column(df, count), column(df, denominator)
    val, lo, hi = column(df, value), column(df, lower), column(df, upper)
    valid = ~np.isnan(yr + cnt + den + val + lo + hi)
    rows = np.flatnonzero(valid)
    rows = rows[np.lexsort((yr[rows], groups.codes[rows]))]
    codes = groups.codes[rows]
    n_valid = np.bincount(codes, minlength=groups.count)
    rank_from_end = n_valid[codes] - (np.arange(len(rows)) - np.searchsorted(codes, codes))
    rows, codes = rows[rank_from_end <= POINTS], codes[rank_from_end <= POINTS]
    enough = n_valid >= POINTS
    take = np.isin(codes, np.flatnonzero(enough))
    ids = np.flatnonzero(enough)
    mat = {name: arr[rows[take]].reshape(len(ids), POINTS)
           for name, arr in (("year", yr), ("count", cnt), ("den", den), ("value", val),
                             ("lower", lo), ("upper", hi))}
    consecutive = np.all(np.diff(mat["year"], axis=1) == 1, axis=1)
    chi2 = np.full(groups.count, np.nan)
    slope = np.full(groups.count, np.nan)
    stable = np.zeros(groups.count, dtype=bool)
    m = meth[ids]
    for name, calc in ((CI_WEIGHTED, lambda s: ci_weighted(mat["value"][s], mat["lower"][s],
                                                            mat["upper"][s])),
                       (SPC_PROPORTIONS, lambda s: spc_proportions(mat["count"][s],
                                                                    mat["den"][s]))):
        sel = (m == name) & consecutive
        if name == SPC_PROPORTIONS:
            sel &= ~np.any(mat["count"] == mat["den"], axis=1)
        if not sel.any():
            continue
        c2, full, loo = calc(sel)
        chi2[ids[sel]], slope[ids[sel]] = c2, full
        signs = np.concatenate([np.sign(full)[:, None], np.sign(loo)], axis=1)
        stable[ids[sel]] = np.all(signs == signs[:, :1], axis=1) & (signs[:, 0] != 0)
    significant = (chi2 > CHI2_998) & stable
    marker = np.where(np.isnan(chi2), CANNOT,
                      np.where(significant, np.where(slope > 0, INCREASING, DECREASING), NO_CHANGE))
    out = groups.keys.copy()
    out["points"] = np.minimum(n_valid, POINTS)
    out["chi2"], out["slope"], out["significant"] = chi2, slope, significant
    if vocabulary in df.columns:  # a source column: other sources (a derived rule) keep the default words
        vocab = groups.first(df[vocabulary].astype(str).to_numpy())
        open_ = np.array([_vocabulary(v, strict=False) == FINGERTIPS_OPEN for v in vocab], dtype=bool)
    else:
        open_ = np.full(groups.count, _vocabulary(vocabulary) == FINGERTIPS_OPEN, dtype=bool)
    adjusted = _with_polarity(marker, pol)
    out["label"] = [LABELS[code] for code in adjusted]
    out["marker"] = np.where(open_ & (marker == NO_CHANGE), OPEN_NO_CHANGE, marker).astype(object)
    out["marker_polarity_adjusted"] = np.where(open_, None, adjusted).astype(object)
    return out


def _vocabulary(value: str, strict: bool = True) -> str:
    """fingertips-open or fingertips-next from a vocabulary or source name ("fingertips-open-unittest")."""
    text = str(value).lower().replace("_", "-")
    if "fingertips-open" in text or text == "open":
        return FINGERTIPS_OPEN
    if "fingertipsnext" in text or "fingertips-next" in text or text == "next":
        return FINGERTIPS_NEXT
    if not strict:
        return FINGERTIPS_NEXT
    raise ValueError(f"unknown trend vocabulary {value!r}: expected fingertips-open or fingertips-next")


def _with_polarity(marker: np.ndarray, pol: np.ndarray) -> np.ndarray:
    """FingertipsNext wording: add "AndGettingBetter/Worse" when the polarity judges."""
    moving = np.isin(marker, [INCREASING, DECREASING])
    judged = np.isin(pol, [HIGH_IS_GOOD, LOW_IS_GOOD])
    better = (marker == INCREASING) == (pol == HIGH_IS_GOOD)
    suffix = np.where(better, "AndGettingBetter", "AndGettingWorse")
    return np.where(moving & judged, np.char.add(marker.astype(str), suffix.astype(str)),
                    marker).astype(object)
