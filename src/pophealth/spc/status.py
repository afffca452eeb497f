"""A measure's status (RAG) from its SPC icons and target, by one documented rule.

Assurance (can the process meet the target?) sets the starting colour; variation (is something
changing now?) moves it one step: a concern signal makes it worse, and an improvement signal
lifts a failing process to amber (it is getting better, but not yet there). The table is in
``docs/methods/spc.md``; ``RAG_TABLE`` below is its single source.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from pophealth.spc.result import XmrResult

Rag = Literal["green", "amber", "red", "not_rated"]

# (assurance icon, variation family) -> RAG
RAG_TABLE: dict[tuple[str, str], Rag] = {
    ("pass", "improvement"): "green",
    ("pass", "common"): "green",
    ("pass", "concern"): "amber",
    ("inconsistent", "improvement"): "amber",
    ("inconsistent", "common"): "amber",
    ("inconsistent", "concern"): "red",
    ("fail", "improvement"): "amber",
    ("fail", "common"): "red",
    ("fail", "concern"): "red",
}


@dataclass(frozen=True)
class Status:
    rag: Rag
    reason: str


def variation_family(variation_icon: str) -> str:
    """``improvement``, ``concern``, ``neutral`` or ``common`` from a variation icon name."""
    return variation_icon.split("_")[0] if variation_icon != "common_cause" else "common"


def status_from_icons(
    variation_icon: str,
    assurance_icon: str | None,
    *,
    limits_available: bool = True,
    latest_value: float | None = None,
    target: float | None = None,
    improvement: str = "increase",
) -> Status:
    """The RAG rule. Without a target (or for a neutral measure) a measure is not rated.

    When the latest segment has no process limits (no variation at all), assurance says
    nothing, so the latest value is judged against the target directly.
    """
    if assurance_icon is None or improvement == "neutral" or target is None:
        return Status("not_rated", "no target, or a measure with no better direction")
    if not limits_available:
        if latest_value is None or math.isnan(latest_value):
            return Status("not_rated", "no process limits and no latest value")
        met = latest_value >= target if improvement == "increase" else latest_value <= target
        return Status("green" if met else "red",
                      "no variation, so no process limits: latest value " + ("meets" if met else "misses")
                      + " the target")
    family = variation_family(variation_icon)
    rag = RAG_TABLE.get((assurance_icon, family))
    if rag is None:
        return Status("not_rated", f"no rule for {assurance_icon} with {variation_icon}")
    return Status(rag, f"assurance {assurance_icon}, variation {variation_icon}")


def status(result: XmrResult) -> Status:
    """The status of one chart "as at" its latest point."""
    values = result.points["value"]
    latest = values.iloc[-1] if len(values) else None
    return status_from_icons(
        result.variation_icon,
        result.assurance_icon,
        limits_available=result.limits_available,
        latest_value=None if latest is None else float(latest),
        target=result.options.target,
        improvement=result.options.improvement,
    )
