"""Caterpillar chart: areas ranked by value, each with its confidence interval, against a comparator line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pophealth.charts.scale import Scale, extent, fmt, svg, text, ticks

# Comparison labels of the stats engine -> the colours the spine chart uses for the same outcome.
COLOURS = {"Better": "#007f3b", "Similar": "#ffb81c", "Worse": "#d5281b", "Higher": "#005eb8",
           "Lower": "#330072"}
GREY = "#768692"


@dataclass(frozen=True)
class CaterpillarRow:
    label: str
    value: float | None
    lower: float | None
    upper: float | None
    comparison: str         # the engine's label, e.g. "Worse"


ROW_H, LABEL_W, PLOT_W, PAD, AXIS_H = 22, 260, 380, 10, 30


def caterpillar_chart(rows: Sequence[CaterpillarRow], comparator: float | None, *, ident: str = "caterpillar",
                      title: str = "Areas ranked", comparator_label: str = "All areas", decimals: int = 1) -> str:
    """One row per area (in the order given); the dot is coloured by its comparison, the line is the comparator."""
    height = PAD * 2 + ROW_H * max(len(rows), 1) + AXIS_H
    bottom = height - AXIS_H
    lo, hi = extent([v for r in rows for v in (r.value, r.lower, r.upper)] + [comparator, 0.0])
    x = Scale(min(lo, 0.0), hi, LABEL_W, LABEL_W + PLOT_W)
    body = []
    for t in ticks(min(lo, 0.0), hi):
        body.append(f'<line x1="{x(t):.1f}" x2="{x(t):.1f}" y1="{PAD}" y2="{bottom:.1f}" stroke="#d8dde0"/>'
                    f'<text x="{x(t):.1f}" y="{bottom + 16:.1f}" text-anchor="middle" font-size="11" '
                    f'fill="#4c6272">{text(fmt(t, 0))}</text>')
    described = []
    for i, r in enumerate(rows):
        y = PAD + ROW_H * i + ROW_H / 2
        body.append(f'<text x="{LABEL_W - 8}" y="{y + 4:.1f}" text-anchor="end" font-size="11">{text(r.label)}</text>')
        if r.value is None:
            described.append(f"{r.label}: not shown (too few events or suppressed)")
            continue
        if r.lower is not None and r.upper is not None:
            body.append(f'<line x1="{x(r.lower):.1f}" x2="{x(r.upper):.1f}" y1="{y:.1f}" y2="{y:.1f}" '
                        f'stroke="#212b32" stroke-width="2"/>')
        colour = COLOURS.get(r.comparison, GREY)
        body.append(f'<circle cx="{x(r.value):.1f}" cy="{y:.1f}" r="5" fill="{colour}" stroke="#212b32"/>')
        described.append(f"{r.label}: {fmt(r.value, decimals)} (95% CI {fmt(r.lower, decimals)} to "
                         f"{fmt(r.upper, decimals)}), {r.comparison.lower()}")
    if comparator is not None:
        body.append(f'<line x1="{x(comparator):.1f}" x2="{x(comparator):.1f}" y1="{PAD}" y2="{bottom:.1f}" '
                    f'stroke="#005eb8" stroke-width="2" stroke-dasharray="6 3"/>')
    desc = (f"Areas ranked by value with 95% confidence intervals; the dashed line is {comparator_label} "
            f"({fmt(comparator, decimals)}). " + "; ".join(described) + ".")
    return svg(LABEL_W + PLOT_W + 20, height, ident, title, desc, body)
