"""SPC speed: 5,000 series x 60 points through ``xmr_many``, and ``abspc`` on the same series.

Prints one JSON object. ``abspc`` (PyPI, benchmark dependency only) has no moving-range
screening, so the like-for-like comparison runs pophealth with ``screen_outliers=False``; the
default (screening on) is timed too. Each pophealth figure is the best of ``--repeat`` runs.
Usage: ``python benchmarks/bench_spc.py [--series 5000] [--points 60] [--abspc-series N]``.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
import warnings

import numpy as np
import pandas as pd

from pophealth.spc import SpcOptions, xmr_many


def make_series(n_series: int, n_points: int, seed: int = 20261122) -> tuple[pd.DataFrame, list]:
    """Monthly series with noise, some steps and trends, a few gaps, and mixed directions."""
    rng = np.random.default_rng(seed)
    level = rng.uniform(50, 500, n_series)[:, None]
    noise = rng.normal(0, 1, (n_series, n_points)) * level * 0.05
    step_at = rng.integers(20, n_points, n_series)[:, None]
    step = np.where(np.arange(n_points)[None, :] >= step_at, rng.normal(0, 0.1, (n_series, 1)) * level, 0)
    values = level + noise + step
    values[rng.random(values.shape) < 0.005] = np.nan
    dates = pd.date_range("2020-01-01", periods=n_points, freq="MS")
    frame = pd.DataFrame({
        "series_id": np.repeat(np.arange(n_series), n_points),
        "date": np.tile(dates.to_numpy(), n_series),
        "value": values.ravel(),
    })
    directions = rng.choice(["increase", "decrease"], n_series)
    targets = (level[:, 0] * rng.uniform(0.9, 1.1, n_series)).round(1)
    return frame, [(d, t) for d, t in zip(directions, targets)]


def time_pophealth(frame: pd.DataFrame, settings: list, *, screen: bool, repeat: int) -> float:
    options = {i: SpcOptions(improvement=d, target=float(t), screen_outliers=screen)
               for i, (d, t) in enumerate(settings)}
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        xmr_many(frame, options)
        best = min(best, time.perf_counter() - start)
    return best


def time_abspc(frame: pd.DataFrame, settings: list, n_series: int) -> float:
    """abspc's XmR path per series: limits, rules, point colours, variation and assurance."""
    groups = [g for _, g in frame[frame["series_id"] < n_series].groupby("series_id", sort=True)]
    start = time.perf_counter()
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")  # abspc warns on every series with a missing value
        _abspc_loop(settings, groups)
    return time.perf_counter() - start


def _abspc_loop(settings: list, groups: list) -> None:
    from abspc import (calculate_control_limits, detect_special_causes, determine_assurance_type,
                       determine_point_colours, determine_variation_type)

    for (direction, target), g in zip(settings, groups):
        way = "high" if direction == "increase" else "low"
        res = detect_special_causes(calculate_control_limits(g[["date", "value"]], "XmR"))
        determine_point_colours(res, improvement_direction=way, target=float(target))
        determine_variation_type(res, improvement_direction=way)
        determine_assurance_type(res, float(target), improvement_direction=way)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--series", type=int, default=5000)
    parser.add_argument("--points", type=int, default=60)
    parser.add_argument("--abspc-series", type=int, default=None,
                        help="run abspc on only the first N series and scale up (default: all)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    frame, settings = make_series(args.series, args.points)
    xmr_many(frame.head(args.points * 10), None)  # warm-up: imports and first-call costs
    unscreened = time_pophealth(frame, settings, screen=False, repeat=args.repeat)
    screened = time_pophealth(frame, settings, screen=True, repeat=args.repeat)
    n_abspc = min(args.abspc_series or args.series, args.series)
    abspc_measured = time_abspc(frame, settings, n_abspc)
    abspc_all = abspc_measured * args.series / n_abspc
    print(json.dumps({
        "benchmark": "spc_xmr_many",
        "series": args.series,
        "points_per_series": args.points,
        "rows": len(frame),
        "pophealth_seconds_screening_off": round(unscreened, 4),
        "pophealth_seconds_screening_on": round(screened, 4),
        "abspc_series_run": n_abspc,
        "abspc_seconds_measured": round(abspc_measured, 3),
        "abspc_seconds_for_all_series": round(abspc_all, 3),
        "abspc_extrapolated": n_abspc < args.series,
        "speedup_vs_abspc_screening_off": round(abspc_all / unscreened, 1),
        "target_seconds": 1.0,
        "target_speedup": 10.0,
        "meets_targets": bool(screened <= 1.0 and unscreened <= 1.0 and abspc_all / unscreened >= 10),
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {__import__('os').cpu_count()} cores",
    }, indent=2))


if __name__ == "__main__":
    main()
