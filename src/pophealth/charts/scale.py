"""Axis helpers shared by every chart: a linear scale, tidy tick values and safe SVG text."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from xml.sax.saxutils import escape

RAG_COLOURS = {"better": "#007f3b", "similar": "#ffb81c", "worse": "#d5281b", "higher": "#005eb8",
               "lower": "#330072", "not compared": "#768692"}


@dataclass(frozen=True)
class Scale:
    """Maps data values in [lo, hi] onto pixels [start, end] (end < start flips the axis)."""

    lo: float
    hi: float
    start: float
    end: float

    def __call__(self, value: float) -> float:
        span = self.hi - self.lo or 1.0
        return self.start + (value - self.lo) / span * (self.end - self.start)


def extent(values, pad: float = 0.05) -> tuple[float, float]:
    """Padded [min, max] of the finite values (0..1 when there are none)."""
    finite = [float(v) for v in values if v is not None and math.isfinite(v)]
    if not finite:
        return 0.0, 1.0
    lo, hi = min(finite), max(finite)
    if lo == hi:
        lo, hi = lo - abs(lo) * 0.1 - 1, hi + abs(hi) * 0.1 + 1
    margin = (hi - lo) * pad
    return lo - margin, hi + margin


def ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values inside [lo, hi] (1, 2 or 5 times a power of ten apart)."""
    raw = (hi - lo) / max(count, 1)
    power = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(lo / step) * step
    return [round(first + i * step, 10) for i in range(int((hi - first) / step) + 1)]


def fmt(value: float | None, decimals: int = 1) -> str:
    return "no value" if value is None or not math.isfinite(value) else f"{value:,.{decimals}f}"


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def text(s: object) -> str:
    """Escape text for SVG content and attributes, dropping characters XML 1.0 cannot carry."""
    return escape(_NOT_XML.sub("", str(s)), {'"': "&quot;"})


def svg(width: int, height: int, ident: str, title: str, desc: str, body: list[str]) -> str:
    """An accessible SVG: role=img, labelled by its <title> and described by its <desc>."""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
            f'role="img" aria-labelledby="{ident}-title {ident}-desc" class="ph-chart">'
            f'<title id="{ident}-title">{text(title)}</title><desc id="{ident}-desc">{text(desc)}</desc>'
            + "".join(body) + "</svg>")


def y_axis(scale: Scale, left: float, right: float, decimals: int = 1) -> list[str]:
    """Horizontal grid lines with labels at tidy values."""
    out = []
    for t in ticks(min(scale.lo, scale.hi), max(scale.lo, scale.hi)):
        y = scale(t)
        out.append(f'<line x1="{left:.1f}" x2="{right:.1f}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d8dde0"/>'
                   f'<text x="{left - 6:.1f}" y="{y + 4:.1f}" text-anchor="end" font-size="12" '
                   f'fill="#4c6272">{text(fmt(t, decimals))}</text>')
    return out
