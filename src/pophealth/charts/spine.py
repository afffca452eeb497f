"""Spine chart: each indicator's value against England (the centre line) and the range across areas."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from pophealth.charts.scale import RAG_COLOURS, fmt, svg, text


@dataclass(frozen=True)
class SpineRow:
    label: str
    value: float | None
    england: float | None
    low: float | None      # lowest value among the areas compared
    high: float | None     # highest value among the areas compared
    rag: str
    decimals: int = 1


ROW_H, LABEL_W, BAR_W, PAD = 28, 300, 420, 10
LABEL_CHARS, LINE_H = 44, 14  # a label wraps at about 44 characters of 12 px text (never cut off at the left)


def _label_lines(label: str) -> list[str]:
    return textwrap.wrap(label, LABEL_CHARS, break_long_words=True) or [""]


def spine_chart(rows: Sequence[SpineRow], *, ident: str = "spine", title: str = "Spine chart") -> str:
    """One row per indicator; England is the centre, the grey bar the range of areas, the dot this area.

    Each row is scaled on its own: distance from the centre is the difference from England
    as a share of the largest distance from England among the areas compared.
    """
    lines = [_label_lines(r.label) for r in rows]
    heights = [max(ROW_H, LINE_H * len(ls) + 8) for ls in lines]
    height = PAD * 2 + (sum(heights) if rows else ROW_H) + 20
    centre = LABEL_W + BAR_W / 2
    body = [f'<line x1="{centre}" x2="{centre}" y1="{PAD}" y2="{height - 20}" stroke="#212b32" stroke-width="2"/>',
            f'<text x="{centre}" y="{height - 5}" text-anchor="middle" font-size="12">England</text>']
    described = []
    for i, r in enumerate(rows):
        y = PAD + sum(heights[:i]) + heights[i] / 2
        first = y + 4 - LINE_H * (len(lines[i]) - 1) / 2
        spans = "".join(f'<tspan x="{LABEL_W - 8}" y="{first + LINE_H * k:.1f}">{text(line)}</tspan>'
                        for k, line in enumerate(lines[i]))
        body.append(f'<text text-anchor="end" font-size="12">{spans}</text>')
        if r.england is None or r.value is None:
            described.append(f"{r.label}: {fmt(r.value, r.decimals)} (not plotted: no England value or no value)")
            continue
        spread = max(abs((r.low if r.low is not None else r.value) - r.england),
                     abs((r.high if r.high is not None else r.value) - r.england), abs(r.value - r.england)) or 1.0

        def x(v: float) -> float:
            return centre + (v - r.england) / spread * (BAR_W / 2 - 6)

        if r.low is not None and r.high is not None:
            body.append(f'<rect x="{x(r.low):.1f}" y="{y - 7:.1f}" width="{max(x(r.high) - x(r.low), 1):.1f}" '
                        f'height="14" fill="#d8dde0"/>')
        colour = RAG_COLOURS.get(r.rag, RAG_COLOURS["not compared"])
        body.append(f'<circle cx="{x(r.value):.1f}" cy="{y:.1f}" r="7" fill="{colour}" stroke="#212b32"/>')
        described.append(f"{r.label}: {fmt(r.value, r.decimals)} against England {fmt(r.england, r.decimals)}, "
                         f"{r.rag}")
    desc = ("Each row shows the area's value (dot, coloured by comparison with England) against England "
            "(centre line) and the range across the areas compared (grey bar). " + "; ".join(described) + ".")
    return svg(LABEL_W + BAR_W + 20, height, ident, title, desc, body)
