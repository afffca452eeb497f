"""Values written in a measure's unit, the same way on every page, chart and pack."""

from __future__ import annotations

UNIT_LABEL = {"percent": "%", "years": "years", "rate_per_100000": "per 100,000", "rate_per_10000": "per 10,000",
              "count": "", "minutes": "minutes", "wte": "WTE", "score": ""}


def format_value(value: float | None, unit: str) -> str:
    """``54.0%``, ``18,110``, ``76.1 years``; ``-`` for no value."""
    if value is None:
        return "-"
    if unit == "percent":
        return f"{value:.1f}%"
    if unit in ("count", "wte"):
        return f"{value:,.0f}"
    return f"{value:,.1f}" + (f" {UNIT_LABEL[unit]}" if UNIT_LABEL[unit] else "")
