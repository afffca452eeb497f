"""Comparing each area with a comparator (England, the region or its parent), as Fingertips
does (METHODS.md section 11; fingertips-open ``*Comparer.cs``).

Outcome codes follow Fingertips: ``Better``, ``Same``, ``Worse`` (``Best``/``Worst`` beyond
the 99.8 % limits in the two-level method), ``Higher``/``Lower`` when the polarity makes no
judgement, and ``NotCompared``. :data:`LABELS` gives the wording shown to readers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pophealth.stats.confidence import as_fraction, suffix
from pophealth.stats.polarity import HIGH_IS_GOOD, LOW_IS_GOOD, NOT_APPLICABLE, polarity_codes
from pophealth.stats.poisson_search import poisson_mean_limit

METHODS = ("single_ci_one_level", "single_ci_two_levels", "double_overlapping_ci",
           "spc_proportions", "spc_dsr")
LABELS = {"Better": "Better", "Same": "Similar", "Worse": "Worse", "Best": "Better (99.8%)",
          "Worst": "Worse (99.8%)", "Higher": "Higher", "Lower": "Lower",
          "NotCompared": "Not compared"}
SPC_Z = {0.95: 1.96, 0.998: 3.0902}  # the constants the Fingertips SPC comparers use
_SAME, _HIGHER, _LOWER, _HIGHEST, _LOWEST, _NONE = 0, 1, -1, 2, -2, 9


def _col(df: pd.DataFrame, name: str) -> np.ndarray:
    if name not in df.columns:
        return np.full(len(df), np.nan)
    return pd.to_numeric(df[name], errors="coerce").to_numpy(dtype=float)


def _direction(value: np.ndarray, lower: np.ndarray, upper: np.ndarray,
               benchmark: np.ndarray) -> np.ndarray:
    """Same when the benchmark is inside the limits (inclusive), else higher or lower."""
    inside = (lower <= benchmark) & (benchmark <= upper)
    out = np.where(value > benchmark, _HIGHER, np.where(value < benchmark, _LOWER, _SAME))
    out = np.where(inside, _SAME, out)
    return np.where(np.isnan(lower) | np.isnan(upper), _NONE, out)


def _spc_proportion(value: np.ndarray, n: np.ndarray, bench: np.ndarray, unit: np.ndarray,
                    level: float) -> np.ndarray:
    z = SPC_Z[level]
    p0 = bench / unit
    e = n * p0
    with np.errstate(invalid="ignore", divide="ignore"):
        spread = z * np.sqrt(z**2 + 4 * e * (1 - e / n))
        lower = (2 * e + z**2 - spread) / (2 * (n + z**2)) * unit
        upper = (2 * e + z**2 + spread) / (2 * (n + z**2)) * unit
    out = np.where(value > upper, _HIGHER, np.where(value < lower, _LOWER, _SAME))
    return np.where(~(n > 0) | np.isnan(bench), _NONE, out)


def _spc_dsr(value: np.ndarray, pop: np.ndarray, bench: np.ndarray, unit: np.ndarray,
             level: float) -> np.ndarray:
    tail = (1 - level) / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        e = bench * pop / unit
        ok = (pop > 0) & (e > 0)
        safe = np.where(ok, e, 1.0)
        lower = poisson_mean_limit(safe, tail, "low") / pop * unit
        upper = poisson_mean_limit(safe, tail, "high") / pop * unit
    out = np.where(value > upper, _HIGHER, np.where(value < lower, _LOWER, _SAME))
    return np.where(ok, out, _NONE)


def compare(df: pd.DataFrame, method: str = "single_ci_one_level", *,
            polarity: str | object = "polarity", confidence: float | str = 0.95,
            value: str = "area_value", denominator: str = "area_denominator",
            comparator: str = "comparator_value", unit: float | str = "unit",
            area_prefix: str = "area_", comparator_prefix: str = "comparator_") -> pd.DataFrame:
    """Compare every row's area value with its comparator; returns ``significance``/``label``.

    ``polarity`` is a column name or one polarity for all rows. Limits are read from
    ``{area_prefix}lower95`` etc.; ``unit`` (100 for %, 100 000 per 100 000) is used by the
    SPC methods.
    """
    if method not in METHODS:
        raise ValueError(f"comparator method must be one of {', '.join(METHODS)}")
    pol = polarity_codes(df[polarity] if isinstance(polarity, str) and polarity in df.columns
                         else np.full(len(df), polarity, dtype=object))
    v, bench = _col(df, value), _col(df, comparator)
    units = _col(df, unit) if isinstance(unit, str) else np.full(len(df), float(unit))
    limits = {tag: (_col(df, f"{area_prefix}lower{tag}"), _col(df, f"{area_prefix}upper{tag}"))
              for tag in ("95", "998")}
    level = 0.95 if method in ("single_ci_two_levels", "double_overlapping_ci") else \
        as_fraction(confidence)
    if method == "single_ci_one_level":
        direction = _direction(v, *limits[suffix(level)], bench)
    elif method == "single_ci_two_levels":
        inner = _direction(v, *limits["95"], bench)
        outer = _direction(v, *limits["998"], bench)
        direction = np.where((inner != _SAME) & (outer != _SAME) & (outer != _NONE),
                             2 * outer, inner)
        direction = np.where(outer == _NONE, _NONE, direction)
    elif method == "double_overlapping_ci":
        lo, hi = limits["95"]
        c_lo, c_hi = _col(df, f"{comparator_prefix}lower95"), _col(df, f"{comparator_prefix}upper95")
        overlap = np.where(v >= bench, lo <= c_hi, hi >= c_lo)
        direction = np.where(overlap, _SAME, np.where(v > bench, _HIGHER, _LOWER))
        direction = np.where(np.isnan(lo + hi + c_lo + c_hi), _NONE, direction)
    elif method == "spc_proportions":
        direction = _spc_proportion(v, _col(df, denominator), bench, units, level)
    else:
        direction = _spc_dsr(v, _col(df, denominator), bench, units, level)
    direction = np.where(np.isnan(v) | np.isnan(bench) | (pol == NOT_APPLICABLE), _NONE, direction)
    codes = _to_codes(direction, pol)
    return pd.DataFrame({"significance": codes, "label": [LABELS[c] for c in codes]},
                        index=df.index)


def _to_codes(direction: np.ndarray, pol: np.ndarray) -> np.ndarray:
    good_high = pol == HIGH_IS_GOOD
    judged = good_high | (pol == LOW_IS_GOOD)
    up = np.where(judged, np.where(good_high, "Better", "Worse"), "Higher")
    down = np.where(judged, np.where(good_high, "Worse", "Better"), "Lower")
    up2 = np.where(judged, np.where(good_high, "Best", "Worst"), "Higher")
    down2 = np.where(judged, np.where(good_high, "Worst", "Best"), "Lower")
    return np.select(
        [direction == _SAME, direction == _HIGHER, direction == _LOWER,
         direction == _HIGHEST, direction == _LOWEST],
        [np.full(len(direction), "Same"), up, down, up2, down2], "NotCompared").astype(object)
