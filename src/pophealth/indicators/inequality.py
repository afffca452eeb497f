"""Inequality series: an indicator's values by deprivation decile or quintile, with the SII line.

The slope index of inequality is the slope of a weighted least-squares line of value on the
relative deprivation rank (0 = most deprived, 1 = least deprived), each group placed at the
midpoint of its share of the population (METHODS.md section 8). Where every group has a
denominator and 95% limits, and there are 5 to 100 groups, the SII and its 95% and 99.8% limits
come from the stats engine (:func:`pophealth.stats.sii`, simulated from the groups' limits, fixed
seed). Otherwise the point estimate is fitted here — weighted by denominators when present, or
by equal shares (deprivation deciles and quintiles hold roughly equal numbers) — and the page
says that it has no confidence limits.

The SII is reported with the indicator's polarity, as the method does (the engine's ``polarity``):
for a "low is good" indicator its sign is flipped, so a positive SII always means the least deprived
fare better. The drawn line keeps the fitted ``slope`` of value on rank.
"""

from __future__ import annotations

import re

import duckdb
import numpy as np

import pandas as pd

from pophealth.indicators.benchmarking import ENGINE_POLARITY
from pophealth.indicators.metadata import catalogue
from pophealth.indicators.models import InequalityPoint, InequalitySeries
from pophealth.indicators.profile import _num
from pophealth.indicators.store import indicator_rows
from pophealth.stats import sii as engine_sii
from pophealth.stats.sii import OTHER, PROPORTION, RATE

SEED, REPETITIONS = 2013, 100_000
POINT_ONLY = "point estimate only: the snapshot has no {missing} for these groups, so no confidence limits"

_DEPRIVATION = re.compile(r"depriv", re.IGNORECASE)


_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
             "eighth": 8, "ninth": 9}


def deprivation_order(category: str) -> int:
    """Position of a deprivation group, most deprived first.

    Fingertips labels run "Most deprived decile", "Second most deprived decile", "Third more
    deprived decile", ..., "Fifth less deprived decile", ..., "Second least deprived decile",
    "Least deprived decile" (quintiles likewise, with "Average" or "Middle" in the centre);
    numbered groups ("1 - most deprived", "Decile 3") count from the most deprived.
    """
    words = re.findall(r"[a-z]+|\b\d{1,2}\b", re.sub(r"\(.*?\)", "", category.lower()))
    ordinal = next((_ORDINALS.get(w) or int(w) for w in words if w in _ORDINALS or w.isdigit()), 1)
    if "least" in words or "less" in words:
        return 1000 - ordinal
    if "most" in words or "more" in words:
        return ordinal
    if "average" in words or "middle" in words:
        return 500
    return ordinal


def fit_sii(values: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, float, float]:
    """Rank midpoints, slope (SII) and intercept of the weighted line; groups ordered most deprived first."""
    share = weights / weights.sum()
    rank = np.cumsum(share) - share / 2
    w = share
    mean_x, mean_y = np.sum(w * rank), np.sum(w * values)
    slope = np.sum(w * (rank - mean_x) * (values - mean_y)) / np.sum(w * (rank - mean_x) ** 2)
    return rank, float(slope), float(mean_y - slope * mean_x)


def value_type_for_unit(unit: str) -> tuple[int, float]:
    """The engine's value type for a unit, and the scale that turns values into it (% -> 0-1)."""
    if unit == "%":
        return PROPORTION, 100.0
    if unit.startswith("per "):
        return RATE, 1.0
    return OTHER, 1.0


def polarity_sign(polarity: str) -> int:
    """-1 for a "low is good" indicator (its SII is reported flipped), else 1."""
    return -1 if polarity == "low_is_good" else 1


def sii_with_limits(values: np.ndarray, lower: np.ndarray, upper: np.ndarray, population: np.ndarray,
                    unit: str, polarity: str = "no_judgement") -> dict[str, float]:
    """SII (with the indicator's polarity), intercept and 95%/99.8% limits from the stats engine; groups
    ordered most deprived first."""
    value_type, scale = value_type_for_unit(unit)
    frame = pd.DataFrame({"quantile": np.arange(1, len(values) + 1), "population": population,
                          "value": values / scale, "lower_cl": lower / scale, "upper_cl": upper / scale})
    out = engine_sii(frame, value_type=value_type, multiplier=scale, levels=(0.95, 0.998),
                     repetitions=REPETITIONS, seed=SEED, polarity=ENGINE_POLARITY[polarity]).iloc[0]
    result = {k: _num(out[k]) for k in ("sii", "sii_lower95", "sii_upper95", "sii_lower998", "sii_upper998")}
    result["intercept"] = None if _num(out["intercept"]) is None else float(out["intercept"]) * scale
    result["flag"] = str(out["flag"])
    return result


def _missing(denominators: bool, limits: bool) -> str:
    return " and ".join(w for w, absent in (("denominators", not denominators), ("95% limits", not limits)) if absent)


def _shown(denominators: np.ndarray, rank: np.ndarray, weights: np.ndarray,
           use_denominators: bool) -> tuple[np.ndarray, np.ndarray]:
    """Rank midpoints and weights as published: from the protected (rounded) denominators, so the points
    do not give the exact ones back."""
    if not use_denominators or np.isnan(denominators).any() or denominators.sum() <= 0:
        return rank, weights
    share = denominators / denominators.sum()
    return np.cumsum(share) - share / 2, denominators


def inequality_series(con: duckdb.DuckDBPyConnection, indicator_id: int) -> list[InequalitySeries]:
    """Every area × sex × age × period with deprivation groups for this indicator, latest period first."""
    frame = indicator_rows(con, indicator_id)  # what may be shown (after disclosure control) ...
    raw = indicator_rows(con, indicator_id, protect=False)  # ... and the rows as loaded, for the fit
    frame = frame[frame["category_type"].map(lambda t: bool(_DEPRIVATION.search(t)))]
    raw = raw[raw["category_type"].map(lambda t: bool(_DEPRIVATION.search(t)))]
    exact = {key: part for key, part in raw.groupby(["area_code", "category_type", "sex", "age", "time_period"],
                                                     sort=False)}
    meta = catalogue().indicator(indicator_id)
    unit = meta.unit if meta else ""
    polarity = meta.polarity if meta else "not_compared"
    sign = polarity_sign(polarity)
    out: list[InequalitySeries] = []
    for (area, ctype, sex, age, period), part in frame.groupby(
            ["area_code", "category_type", "sex", "age", "time_period"], sort=False):
        part = part.iloc[sorted(range(len(part)), key=lambda i: deprivation_order(part["category"].iloc[i]))]
        values = part["value"].to_numpy(dtype=float)
        shown_denom = part["denominator"].to_numpy(dtype=float)
        # The fit uses the loaded figures only when every group's value is shown (so the SII cannot give a
        # withheld value back), with the exact denominators; the points show the published (rounded) ones.
        loaded = exact[(area, ctype, sex, age, period)]
        loaded = loaded.set_index("category").loc[list(part["category"])]
        denom = np.where(np.isnan(shown_denom), np.nan, loaded["denominator"].to_numpy(dtype=float))
        use_denominators = bool(np.all(denom > 0))
        weights = denom if use_denominators else np.ones(len(part))
        ok = len(part) >= 2 and not np.isnan(values).any()
        rank, slope, intercept = fit_sii(values, weights) if ok else (np.cumsum(weights) / weights.sum(), None, None)
        sii = None if slope is None else sign * slope
        lower, upper = (part[c].to_numpy(dtype=float) for c in ("lower_ci95", "upper_ci95"))
        has_limits = bool(np.all(~np.isnan(lower) & ~np.isnan(upper)))
        limits: dict = {}
        method = POINT_ONLY.format(missing=_missing(use_denominators, has_limits))
        if ok and use_denominators and has_limits and 5 <= len(part) <= 100:
            limits = sii_with_limits(values, lower, upper, denom, unit, polarity)
            method = ("stats engine: population-weighted regression on relative rank, limits simulated "
                      f"from the groups' 95% limits ({REPETITIONS:,} draws)")
            flag = limits.pop("flag")
            if flag:
                limits, method = {}, f"point estimate only: the stats engine gave no limits ({flag})"
            else:
                sii, intercept = limits.pop("sii"), limits.pop("intercept")
                slope = None if sii is None else sign * sii
        out.append(InequalitySeries(
            area_code=area, area_name=str(part["area_name"].iloc[0]), category_type=ctype, sex=sex, age=age,
            period=period, sii=sii, slope=slope, intercept=intercept, sii_method=method, **limits,
            weights="denominators" if use_denominators else "equal shares (the snapshot has no denominators)",
            points=[InequalityPoint(category=c, rank=float(r), value=_num(v), weight=float(w))
                    for c, v, r, w in zip(part["category"], values,
                                          *_shown(shown_denom, rank, weights, use_denominators))]))
    sortable = {p: s for p, s in zip(frame["time_period"], frame["time_period_sortable"])}
    return sorted(out, key=lambda s: -int(sortable.get(s.period, 0)))
