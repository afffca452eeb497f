"""Deprivation chart: a bar per deprivation group (most deprived first) with the fitted SII line."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pophealth.charts.scale import Scale, extent, fmt, svg, text, y_axis


@dataclass(frozen=True)
class DecileBar:
    label: str
    rank: float            # relative rank midpoint, 0 = most deprived
    value: float | None


W, H, LEFT, RIGHT, TOP, BOTTOM = 640, 320, 60, 20, 20, 90


def decile_chart(bars: Sequence[DecileBar], *, sii: float | None, intercept: float | None,
                 ident: str = "deciles", title: str = "Values by deprivation", decimals: int = 1) -> str:
    """Bars placed at their relative rank; the SII line runs from rank 0 to rank 1."""
    line = [intercept, intercept + sii] if sii is not None and intercept is not None else []
    lo, hi = extent([b.value for b in bars] + line + [0.0])
    y = Scale(min(lo, 0.0), hi, H - BOTTOM, TOP)
    x = Scale(0.0, 1.0, LEFT, W - RIGHT)
    width = (W - LEFT - RIGHT) / max(len(bars), 1) * 0.7
    body = y_axis(y, LEFT, W - RIGHT, decimals)
    for b in bars:
        cx = x(b.rank)
        if b.value is not None:
            top = min(y(b.value), y(0.0))
            body.append(f'<rect x="{cx - width / 2:.1f}" y="{top:.1f}" width="{width:.1f}" '
                        f'height="{abs(y(0.0) - y(b.value)):.1f}" fill="#41b6e6"/>')
        body.append(f'<text x="{cx:.1f}" y="{H - BOTTOM + 14}" font-size="11" text-anchor="end" '
                    f'transform="rotate(-30 {cx:.1f} {H - BOTTOM + 14})">{text(b.label)}</text>')
    if line:
        body.append(f'<line x1="{x(0):.1f}" y1="{y(line[0]):.1f}" x2="{x(1):.1f}" y2="{y(line[1]):.1f}" '
                    f'stroke="#d5281b" stroke-width="3"/>')
    described = "; ".join(f"{b.label}: {fmt(b.value, decimals)}" for b in bars)
    sii_text = (f"The slope index of inequality (red line) is {fmt(sii, decimals)}: the modelled difference "
                f"between the least and the most deprived." if line else "No slope index could be fitted.")
    desc = f"Values by deprivation group, most deprived on the left. {described}. {sii_text}"
    return svg(W, H, ident, title, desc, body)
