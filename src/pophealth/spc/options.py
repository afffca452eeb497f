"""The options of one XmR chart, their defaults, and the vocabulary of its outputs.

Defaults follow the reference (NHSRplotthedots 0.2.2, see ``docs/methods/spc.md``): outlier
screening on, no fixed baseline, 7-point shift and trend rules, 13-point trial-limit warning.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Literal

from pophealth.errors import ConfigError

Improvement = Literal["increase", "decrease", "neutral"]
IMPROVEMENTS: tuple[str, ...] = ("increase", "decrease", "neutral")
DIRECTION_SIGN = {"increase": 1, "decrease": -1, "neutral": 0}

# Constants of the XmR chart, exactly as the reference uses them.
SIGMA_MULTIPLIER = 2.66  # 3 / d2 (d2 = 1.128), rounded to two decimals as in the reference
INNER_MULTIPLIER = 2 * (SIGMA_MULTIPLIER / 3)  # the "2-sigma" band used by the two-in-three rule
SCREEN_MULTIPLIER = 3.267  # D4 for n = 2: moving ranges at or above D4 x MRbar are screened out
MIN_FIX_AFTER = 12

# Output vocabularies, spelt as in the reference cases. Index = integer code used internally.
SPECIAL_CAUSE_TYPES: tuple[str, ...] = (
    "Common Cause",
    "Above UCL",
    "Below LCL",
    "7 Point Trend (Increasing)",
    "7 Point Trend (Decreasing)",
    "2 in 3 Above CL",
    "2 in 3 Below CL",
    "7 Points Above CL",
    "7 Points Below CL",
)
POINT_TYPES: tuple[str, ...] = (
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neutral_high",
    "special_cause_neutral_low",
)
POINT_TYPE_GROUP: tuple[str, ...] = ("neither", "improvement", "concern", "neither", "neither")
VARIATION_ICONS: tuple[str, ...] = (
    "common_cause",
    "improvement_high",
    "improvement_low",
    "concern_high",
    "concern_low",
    "neutral_high",
    "neutral_low",
)
ASSURANCE_TYPES: tuple[str, ...] = ("", "consistent_pass", "consistent_fail", "inconsistent")
ASSURANCE_ICONS: tuple[str, ...] = ("", "pass", "fail", "inconsistent")


@dataclass(frozen=True)
class SpcOptions:
    """Options of one series. Every reference option is here, plus the rule lengths.

    ``shift_points`` and ``trend_points`` are fixed at 7 in the reference; they are exposed so an
    analyst can reproduce other tools (e.g. an 8-point shift), never changed by default.
    """

    improvement: Improvement = "increase"
    target: float | None = None
    rebase_dates: tuple[dt.date, ...] = field(default_factory=tuple)
    fix_after_n_points: int | None = None
    screen_outliers: bool = True
    shift_points: int = 7
    trend_points: int = 7
    warning_threshold: int = 13

    def __post_init__(self) -> None:
        validate_options(self)


def validate_options(o: SpcOptions) -> None:
    """Refuse option values the reference refuses, with a message an analyst can act on."""
    if o.improvement not in IMPROVEMENTS:
        raise ConfigError(
            f"improvement must be one of {', '.join(IMPROVEMENTS)}, not {o.improvement!r}"
        )
    if o.fix_after_n_points is not None and (
        not isinstance(o.fix_after_n_points, int) or o.fix_after_n_points < MIN_FIX_AFTER
    ):
        raise ConfigError(
            f"fix_after_n_points must be a whole number of at least {MIN_FIX_AFTER}, "
            f"not {o.fix_after_n_points!r}"
        )
    if o.target is not None and not math.isfinite(o.target):
        raise ConfigError(f"target must be a finite number or none, not {o.target!r}")
    for name in ("shift_points", "trend_points"):
        value = getattr(o, name)
        if not isinstance(value, int) or value < 2:
            raise ConfigError(f"{name} must be a whole number of at least 2, not {value!r}")
    if o.warning_threshold < 1:
        raise ConfigError(f"warning_threshold must be at least 1, not {o.warning_threshold!r}")
