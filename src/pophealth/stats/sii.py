"""Slope and Relative Index of Inequality (METHODS.md section 8; R ``phe_sii``).

Input: one row per area and deprivation quantile (1 = most deprived) with population, the
indicator value (or a count for proportions) and either its standard error or its 95 %
limits. The point estimate is a population-weighted regression on the relative rank; the
confidence limits come from simulation, reproducible from ``seed``. Areas that share the
same settings and number of quantiles are simulated together as one array.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from pophealth.stats.polarity import LOW_IS_GOOD, polarity_codes
from pophealth.stats._frame import column, group_param, result
from pophealth.stats.confidence import parse_levels, suffix, tails, z_value
from pophealth.stats.grouping import first_flag, group_rows

OTHER, RATE, PROPORTION = 0, 1, 2
SIM_BLOCK = 20_000_000  # draws held in memory at once


def _forward(y: np.ndarray, value_type: int) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        if value_type == RATE:
            return np.log(y)
        if value_type == PROPORTION:
            return np.log(y / (1 - y))
    return y


def _inverse(y: np.ndarray, value_type: int) -> np.ndarray:
    if value_type == RATE:
        return np.exp(y)
    if value_type == PROPORTION:
        return 1 / (1 + np.exp(-y))
    return y


def _rank_weights(pop: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Population shares a, weights c giving the WLS slope as y @ c, and the mean rank."""
    a = pop / pop.sum(axis=1, keepdims=True)
    b = np.cumsum(a, axis=1) - a / 2
    b_bar = (a * b).sum(axis=1, keepdims=True)
    c = a * (b - b_bar) / (a * (b - b_bar) ** 2).sum(axis=1, keepdims=True)
    return a, c, b_bar[:, 0]


def _positions(reps: int, level: float) -> tuple[int, int]:
    low, high = tails(level)
    return int(np.round(reps * low)) - 1, int(np.round(reps * high)) - 1


def _simulate(mu: np.ndarray, se: np.ndarray, a: np.ndarray, c: np.ndarray, b_bar: np.ndarray,
              value_type: int, back: bool, reps: int, rng: np.random.Generator
              ) -> tuple[np.ndarray, np.ndarray]:
    """Simulated slopes and intercepts, (areas x reps), drawn on the working scale."""
    areas, nq = mu.shape
    slopes, intercepts = np.empty((areas, reps)), np.empty((areas, reps))
    block = max(1, SIM_BLOCK // (reps * nq))
    for start in range(0, areas, block):
        stop = min(areas, start + block)
        draws = rng.standard_normal((stop - start, reps, nq))
        draws = draws * se[start:stop, None, :] + mu[start:stop, None, :]
        if back:
            draws = _inverse(draws, value_type)
        slope = np.einsum("grq,gq->gr", draws, c[start:stop])
        slopes[start:stop] = slope
        intercepts[start:stop] = (np.einsum("grq,gq->gr", draws, a[start:stop])
                                  - slope * b_bar[start:stop, None])
    return slopes, intercepts


def _one_setting(y: np.ndarray, se: np.ndarray, pop: np.ndarray, value_type: int,
                 transform: bool, mult: float, levels: tuple[float, ...], reps: int,
                 rng: np.random.Generator) -> dict[str, np.ndarray]:
    """SII, RII, intercept and simulated limits for areas sharing one setting."""
    a, c, b_bar = _rank_weights(pop)
    fit_y = _forward(y, value_type) if transform else y
    beta1 = (fit_y * c).sum(axis=1)
    beta0 = (fit_y * a).sum(axis=1) - beta1 * b_bar
    out: dict[str, np.ndarray] = {}
    if transform:
        y0, y1 = _inverse(beta0, value_type), _inverse(beta0 + beta1, value_type)
        out["sii"], rii, out["intercept"] = (y1 - y0) * mult, y1 / y0, y0 * abs(mult)
    else:
        out["sii"], rii, out["intercept"] = beta1 * mult, (beta0 + beta1) / beta0, beta0
    out["rii"] = 1 / rii if mult < 0 else rii
    slopes, intercepts = _simulate(_forward(y, value_type), se, a, c, b_bar, value_type,
                                   not transform, reps, rng)
    if not transform:
        with np.errstate(invalid="ignore", divide="ignore"):
            sim_rii = (intercepts + slopes) / intercepts
        sim_rii = np.sort(1 / sim_rii if mult < 0 else sim_rii, axis=1)
        slopes = slopes * mult
    slopes.sort(axis=1)
    for level in levels:
        lo, hi = _positions(reps, level)
        tag = suffix(level)
        if transform:
            sii_lo, sii_hi, rii_lo, rii_hi = _transformed_limits(
                beta0 + beta1 / 2, slopes[:, lo], slopes[:, hi], value_type, mult)
        else:
            sii_lo, sii_hi = slopes[:, lo], slopes[:, hi]
            rii_lo, rii_hi = sim_rii[:, lo], sim_rii[:, hi]
        out[f"sii_lower{tag}"], out[f"sii_upper{tag}"] = sii_lo, sii_hi
        out[f"rii_lower{tag}"], out[f"rii_upper{tag}"] = rii_lo, rii_hi
    return out


def _transformed_limits(mid: np.ndarray, s_lo: np.ndarray, s_hi: np.ndarray, value_type: int,
                        mult: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Working-scale slope limits back on the original scale around the fitted mid-point."""
    bottom_lo, top_lo = _inverse(mid - s_lo / 2, value_type), _inverse(mid + s_lo / 2, value_type)
    bottom_hi, top_hi = _inverse(mid - s_hi / 2, value_type), _inverse(mid + s_hi / 2, value_type)
    sii_lo, sii_hi = (top_lo - bottom_lo) * mult, (top_hi - bottom_hi) * mult
    rii_lo, rii_hi = top_lo / bottom_lo, top_hi / bottom_hi
    # The R package swaps when the multiplier is negative; for rates its test is "< 1".
    if (value_type == RATE and mult < 1) or (value_type == PROPORTION and mult < 0):
        sii_lo, sii_hi = sii_hi, sii_lo
        rii_lo, rii_hi = 1 / rii_hi, 1 / rii_lo
    return sii_lo, sii_hi, rii_lo, rii_hi


def sii(df: pd.DataFrame, *, by: Sequence[str] | str | None = None, quantile: str = "quantile",
        population: str = "population", value: str = "value", count: str = "count",
        se: str = "se", lower_cl: str = "lower_cl", upper_cl: str = "upper_cl",
        value_type: int | str = OTHER, transform: bool | str = False,
        multiplier: float | str = 1, levels: Iterable[float] | str | None = (0.95,),
        repetitions: int = 100_000, seed: int | None = None, polarity: str | None = None) -> pd.DataFrame:
    """SII and RII per area, with simulated limits at each level from one simulated sample.

    Each row uses its standard error when given, otherwise one from its 95 % limits; for
    proportions a missing value is count / population. ``value_type``, ``transform`` and
    ``multiplier`` may be column names (one setting per area). Invalid areas keep NaN
    results and a ``flag``; the other areas are still computed.

    ``polarity`` (a column or one value, Fingertips words): for "low is good" indicators the multiplier is
    made negative, the method's own convention for flipping polarity (METHODS.md section 8), so a positive
    SII always means the least deprived fare better; RII is inverted and limits swap accordingly.
    """
    if repetitions < 1000:
        raise ValueError("repetitions must be at least 1000")
    levels = parse_levels(levels)
    groups = group_rows(df, by)
    vtype = group_param(df, groups, value_type).astype(int)
    trans = (_bools(df, transform, groups) if isinstance(transform, str)
             else np.full(groups.count, bool(transform)))
    mult = group_param(df, groups, multiplier)
    if polarity is not None:
        pol = polarity_codes(groups.first(df[polarity].to_numpy()) if polarity in df.columns
                             else np.full(groups.count, polarity, dtype=object))
        mult = np.where(pol == LOW_IS_GOOD, -np.abs(mult), mult)
    row_vt = vtype[groups.codes]
    q, pop = _optional(df, quantile), _optional(df, population)
    y = _optional(df, value)
    y = np.where(np.isnan(y), _optional(df, count) / pop, y)
    se_row = _optional(df, se)
    lcl, ucl = _optional(df, lower_cl), _optional(df, upper_cl)
    from_limits = np.where(
        row_vt == OTHER, ucl - lcl,
        np.where(row_vt == RATE, _forward(ucl, RATE) - _forward(lcl, RATE),
                 _forward(ucl, PROPORTION) - _forward(lcl, PROPORTION))) / (2 * z_value(0.95))
    supplied_se = ~np.isnan(se_row)
    se_row = np.where(supplied_se, se_row, from_limits)
    size = groups.size()
    bad_prop = (row_vt == PROPORTION) & ~((y >= 0) & (y <= 1))
    flag = first_flag(
        (groups.any(~(pop > 0)), "population missing or <= 0"),
        (groups.any(np.isnan(se_row) | (se_row < 0)), "standard error or 95% limits missing"),
        (groups.any(bad_prop), "proportion outside 0-1"),
        (groups.any(np.isnan(y)), "value missing"),
        ((size < 5) | (size > 100), "needs 5 to 100 quantiles"),
        (trans & ~np.isin(vtype, [RATE, PROPORTION]), "transform needs a rate or proportion"),
        (trans & groups.any(supplied_se), "transform needs 95% limits, not standard errors"),
    )
    out: dict[str, np.ndarray] = {name: np.full(groups.count, np.nan) for name in
                                  ["sii", "rii", "intercept"]
                                  + [f"{s}_{side}{suffix(level)}" for level in levels
                                     for s in ("sii", "rii") for side in ("lower", "upper")]}
    order = np.lexsort((q, groups.codes))
    rng = np.random.default_rng(seed)
    settings = pd.DataFrame({"vt": vtype, "tr": trans, "m": mult, "k": size})
    settings = settings[flag == ""]
    for (vt, tr, m, k), members in settings.groupby(["vt", "tr", "m", "k"], sort=True).groups.items():
        ids = np.asarray(members)
        rows = order[np.isin(groups.codes[order], ids)]
        shape = (len(ids), int(k))
        ids_sorted = groups.codes[rows].reshape(shape)[:, 0]
        part = _one_setting(y[rows].reshape(shape), se_row[rows].reshape(shape),
                            pop[rows].reshape(shape), int(vt), bool(tr), float(m), levels,
                            repetitions, rng)
        for name, values in part.items():
            out[name][ids_sorted] = values
    return result(groups, {**out, "flag": flag})


def _optional(df: pd.DataFrame, name: str) -> np.ndarray:
    return column(df, name) if name in df.columns else np.full(len(df), np.nan)


def _bools(df: pd.DataFrame, name: str, groups) -> np.ndarray:
    text = df[name].astype(str).str.strip().str.lower().isin(["true", "1", "yes", "t"])
    return groups.first(text.to_numpy())
