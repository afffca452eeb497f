"""Speed of the stats engine against PHStatsMethods on the same input, printed as JSON.

DSR with 95 % and 99.8 % limits for many groups of 19 age bands, and life expectancy for
many areas. PHStatsMethods (PyPI ``phstatsmethods``) is used here only for comparison. It
has no life expectancy, so LE is compared with a plain per-area implementation of the same
life table (``reference_le`` below), written loop by loop from METHODS.md section 7.

Usage: PYTHONPATH=src python benchmarks/bench_stats.py [--dsr-groups N] [--le-areas N]
"""

from __future__ import annotations

import argparse
import json
import math
import time

import numpy as np
import pandas as pd

from pophealth.stats import ESP2013, ESP2013_BANDS, dsr, life_expectancy
from pophealth.stats.confidence import z_value
from pophealth.stats.life_expectancy import START_AGES


def dsr_input(groups: int, rng: np.random.Generator) -> pd.DataFrame:
    bands = len(ESP2013)
    pop = rng.integers(500, 20_000, size=groups * bands).astype(float)
    rate = np.tile(np.linspace(0.001, 0.15, bands), groups)
    return pd.DataFrame({
        "area": np.repeat(np.arange(groups), bands),
        "ageband": np.tile(ESP2013_BANDS, groups),
        "count": rng.poisson(pop * rate).astype(float),
        "pop": pop,
        "stdpop": np.tile(np.array(ESP2013, dtype=float), groups),
    })


def le_input(areas: int, rng: np.random.Generator) -> pd.DataFrame:
    pop = rng.integers(2_000, 40_000, size=areas * 20).astype(float)
    mortality = np.tile(np.array([0.004, 0.0002] + [0.0003 * 1.35 ** i for i in range(18)]),
                        areas)
    deaths = np.maximum(rng.poisson(pop * np.minimum(mortality, 0.5)), 1).astype(float)
    return pd.DataFrame({"area": np.repeat(np.arange(areas), 20),
                         "startage": np.tile(START_AGES, areas), "deaths": deaths, "pop": pop})


def reference_le(deaths: list[float], pops: list[float]) -> tuple[list[float], list[float]]:
    """One area, one band at a time: LE and SE at each start age (for comparison only)."""
    widths = [1, 4] + [5] * 18
    a = [0.1] + [0.5] * 19
    q, l, big_l = [0.0] * 20, [100_000.0] + [0.0] * 19, [0.0] * 20
    for i in range(20):
        m = deaths[i] / pops[i]
        q[i] = 1.0 if i == 19 else widths[i] * m / (1 + widths[i] * m * (1 - a[i]))
        if i < 19:
            l[i + 1] = l[i] * (1 - q[i])
    for i in range(20):
        if i < 19:
            big_l[i] = widths[i] * (l[i + 1] + a[i] * (l[i] - l[i + 1]))
        else:
            big_l[i] = l[i] / (deaths[i] / pops[i])
    e = [sum(big_l[i:]) / l[i] for i in range(20)]
    w = [0.0] * 20
    for i in range(19):
        s2 = q[i] ** 2 * (1 - q[i]) / deaths[i] if deaths[i] > 0 else 0.0
        w[i] = s2 * l[i] ** 2 * ((1 - a[i]) * widths[i] + e[i + 1]) ** 2
    m90 = deaths[19] / pops[19]
    w[19] = (l[19] / 2) ** 2 * 4 / (deaths[19] * m90**2)
    se = [math.sqrt(sum(w[i:])) / l[i] for i in range(20)]
    return e, se


def timed(func):
    start = time.perf_counter()
    value = func()
    return value, time.perf_counter() - start


def bench_dsr(groups: int, rng: np.random.Generator) -> dict[str, object]:
    from PHStatsMethods import ph_dsr

    df = dsr_input(groups, rng)
    ours, ours_s = timed(lambda: dsr(df, by="area"))
    theirs, theirs_s = timed(lambda: ph_dsr(df, "count", "pop", "stdpop", group_cols="area",
                                             confidence=[0.95, 0.998],
                                             euro_standard_pops=False))
    theirs = theirs.sort_values("area").reset_index(drop=True)
    ours = ours.sort_values("area").reset_index(drop=True)
    pairs = {"value": "Value", "lower95": "lower_95_ci", "upper95": "upper_95_ci",
             "lower998": "lower_99_8_ci", "upper998": "upper_99_8_ci"}
    diff = max(float(np.nanmax(np.abs(ours[a].to_numpy() - theirs[b].to_numpy(dtype=float))))
               for a, b in pairs.items())
    return {"groups": groups, "rows": len(df), "pophealth_s": round(ours_s, 3),
            "phstatsmethods_s": round(theirs_s, 3), "speedup": round(theirs_s / ours_s, 1),
            "max_abs_difference": diff}


def bench_le(areas: int, rng: np.random.Generator) -> dict[str, object]:
    df = le_input(areas, rng)
    ours, ours_s = timed(lambda: life_expectancy(df, by="area", levels="0.95,0.998"))
    d = df["deaths"].to_numpy().reshape(areas, 20)
    p = df["pop"].to_numpy().reshape(areas, 20)

    def per_area() -> tuple[np.ndarray, np.ndarray]:
        out = [reference_le(list(d[i]), list(p[i])) for i in range(areas)]
        return np.array([o[0] for o in out]).ravel(), np.array([o[1] for o in out]).ravel()

    (e, se), ref_s = timed(per_area)
    z = z_value(0.95)
    diff = max(float(np.nanmax(np.abs(ours["value"].to_numpy() - e))),
               float(np.nanmax(np.abs(ours["upper95"].to_numpy() - (e + z * se)))))
    return {"areas": areas, "rows": len(df), "pophealth_s": round(ours_s, 3),
            "per_area_reference_s": round(ref_s, 3), "speedup": round(ref_s / ours_s, 1),
            "max_abs_difference": diff,
            "compared_with": "plain per-area Python life table (PHStatsMethods has no LE)"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dsr-groups", type=int, default=100_000)
    parser.add_argument("--le-areas", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    print(json.dumps({"dsr": bench_dsr(args.dsr_groups, rng),
                      "life_expectancy": bench_le(args.le_areas, rng)}, indent=2))


if __name__ == "__main__":
    main()
