"""A measure's status (RAG) from its SPC icons and target, by one documented rule.

Assurance (can the process meet the target?) sets the starting colour; variation (is something
changing now?) moves it one step: a concern signal makes it worse, and an improvement signal
lifts a failing process to amber (it is getting better, but not yet there). The table is in
``docs/methods/spc.md``; ``RAG_TABLE`` below is its single source.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
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
    """The RAG, why, and the assurance icon a reader is shown.

    ``assurance_icon`` is the engine's icon except where the latest segment has no process
    limits: there the values themselves decide (all meet the target: ``pass``; all miss:
    ``fail``), because "hit and miss" would be wrong for a process that cannot vary.
    """

    rag: Rag
    reason: str
    assurance_icon: str | None = None


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
    segment_values: Sequence[float] | None = None,
) -> Status:
    """The RAG rule. Without a target (or for a neutral measure) a measure is not rated.

    When the latest segment has no process limits (no variation at all), assurance says
    nothing, so the values of that segment (``segment_values``, default just the latest value)
    are judged against the target directly.
    """
    if assurance_icon is None or improvement == "neutral" or target is None:
        return Status("not_rated", "no target, or a measure with no better direction")
    if not limits_available:
        return _judged_on_values(segment_values if segment_values is not None else [latest_value],
                                 target, improvement)
    family = variation_family(variation_icon)
    rag = RAG_TABLE.get((assurance_icon, family))
    if rag is None:
        return Status("not_rated", f"no rule for {assurance_icon} with {variation_icon}", assurance_icon)
    return Status(rag, f"assurance {assurance_icon}, variation {variation_icon}", assurance_icon)


def _judged_on_values(values: Sequence[float | None], target: float, improvement: str) -> Status:
    """No limits: every value met the target → pass/green; every value missed → fail/red."""
    present = [float(v) for v in values if v is not None and not math.isnan(v)]
    if not present:
        return Status("not_rated", "no process limits and no values")
    met = [v >= target if improvement == "increase" else v <= target for v in present]
    if all(met):
        return Status("green", "no variation, so no process limits: every value meets the target", "pass")
    if not any(met):
        return Status("red", "no variation, so no process limits: every value misses the target", "fail")
    return Status("amber", "no process limits: values both meet and miss the target", "inconsistent")


def status(result: XmrResult) -> Status:
    """The status of one chart "as at" its latest point."""
    pts = result.points
    values = pts["value"]
    latest = values.iloc[-1] if len(values) else None
    segment = values[pts["rebase_group"] == pts["rebase_group"].iloc[-1]] if len(values) else values
    return status_from_icons(
        result.variation_icon,
        result.assurance_icon,
        limits_available=result.limits_available,
        latest_value=None if latest is None else float(latest),
        target=result.options.target,
        improvement=result.options.improvement,
        segment_values=[float(v) for v in segment],
    )
