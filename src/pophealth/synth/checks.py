"""One calibration check: a generated value against its target, with the tolerance it was judged by."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass
class Check:
    name: str
    generated: float
    target: float
    tolerance: str
    source: str
    passed: bool


def rate_check(name: str, num: float, den: float, target: float, source: str, rel: float,
               poisson: bool = False) -> Check:
    """Within the larger of ``rel`` x target and 3 standard errors (binomial, or Poisson for rates)."""
    value = num / den if den else float("nan")
    if not den:
        se = float("inf")
    else:
        se = math.sqrt(target / den) if poisson else math.sqrt(max(target * (1 - target), 1e-12) / den)
    tol = max(rel * target, 3 * se)
    return Check(name, round(value, 5), target, f"±{tol:.4f} (max of {rel:.0%} and 3 SE)", source,
                 bool(den) and abs(value - target) <= tol)


def years_check(name: str, value: float, se: float, target: float, floor: float, source: str) -> Check:
    """A value in years within the larger of ``floor`` years and 3 standard errors of its target."""
    tol = max(floor, 3 * se)
    ok = math.isfinite(value) and abs(value - target) <= tol
    return Check(name, round(value, 1), target, f"±{tol:.1f} years (max of {floor} and 3 SE, SE {se:.2f})",
                 source, ok)
