"""Trend chart: an area's value by period with 95% confidence whiskers, and England's line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pophealth.charts.scale import Scale, extent, fmt, svg, text, y_axis


@dataclass(frozen=True)
class TrendPoint:
    period: str
    value: float | None
    lower: float | None = None
    upper: float | None = None
    england: float | None = None


W, H, LEFT, RIGHT, TOP, BOTTOM = 640, 300, 60, 20, 20, 60


def trend_chart(points: Sequence[TrendPoint], *, ident: str = "trend", title: str = "Trend",
                area: str = "Area", decimals: int = 1) -> str:
    """Dots joined by a line, whiskers where limits exist, England dashed; periods along the bottom."""
    values = [v for p in points for v in (p.value, p.lower, p.upper, p.england)]
    y = Scale(*extent(values), H - BOTTOM, TOP)
    step = (W - LEFT - RIGHT) / max(len(points), 1)
    xs = [LEFT + step * (i + 0.5) for i in range(len(points))]
    body = y_axis(y, LEFT, W - RIGHT, decimals)
    for x, p in zip(xs, points):
        body.append(f'<text x="{x:.1f}" y="{H - BOTTOM + 16}" font-size="11" text-anchor="end" '
                    f'transform="rotate(-40 {x:.1f} {H - BOTTOM + 16})">{text(p.period)}</text>')
    eng = [(x, p.england) for x, p in zip(xs, points) if p.england is not None]
    if len(eng) > 1:
        body.append('<polyline fill="none" stroke="#212b32" stroke-dasharray="6 4" stroke-width="2" points="'
                    + " ".join(f"{x:.1f},{y(v):.1f}" for x, v in eng) + '"/>')
    own = [(x, p.value) for x, p in zip(xs, points) if p.value is not None]
    if len(own) > 1:
        body.append('<polyline fill="none" stroke="#005eb8" stroke-width="2" points="'
                    + " ".join(f"{x:.1f},{y(v):.1f}" for x, v in own) + '"/>')
    for x, p in zip(xs, points):
        if p.lower is not None and p.upper is not None:
            body.append(f'<path d="M{x - 5:.1f},{y(p.upper):.1f}H{x + 5:.1f}M{x:.1f},{y(p.upper):.1f}'
                        f'V{y(p.lower):.1f}M{x - 5:.1f},{y(p.lower):.1f}H{x + 5:.1f}" stroke="#005eb8" fill="none"/>')
        if p.value is not None:
            body.append(f'<circle cx="{x:.1f}" cy="{y(p.value):.1f}" r="4" fill="#005eb8"/>')
    described = [f"{p.period}: {fmt(p.value, decimals)}"
                 + (f" (95% CI {fmt(p.lower, decimals)} to {fmt(p.upper, decimals)})"
                    if p.lower is not None and p.upper is not None else "")
                 + (f", England {fmt(p.england, decimals)}" if p.england is not None else "") for p in points]
    desc = (f"{area} (solid line, dots; whiskers are 95% confidence limits where published) and England "
            f"(dashed line) by period. " + "; ".join(described) + ".")
    return svg(W, H, ident, title, desc, body)
