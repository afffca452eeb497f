"""Inline SVG for a measure: the XmR chart and the variation and assurance icons.

Every SVG carries ``role="img"`` with ``<title>`` and ``<desc>`` text alternatives; pages put a
data table beside the chart. Colours follow Making Data Count: improvement blue, concern orange,
common cause grey. Text is escaped here because templates insert the markup as it is.
"""

from __future__ import annotations

from html import escape

from pophealth.measures.status import MeasureStatus
from pophealth.strategy.measures import Measure

COLOURS = {"improvement": "#005eb8", "concern": "#ed8b00", "neutral": "#7c2855", "common": "#768692"}
UNIT_LABEL = {"percent": "%", "years": "years", "rate_per_100000": "per 100,000", "rate_per_10000": "per 10,000",
              "count": "", "minutes": "minutes", "wte": "WTE", "score": ""}


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "percent":
        return f"{value:.1f}%"
    if unit in ("count", "wte"):
        return f"{value:,.0f}"
    return f"{value:,.1f}" + (f" {UNIT_LABEL[unit]}" if UNIT_LABEL[unit] else "")


def _point_colour(point_type: str) -> str:
    if "improvement" in point_type:
        return COLOURS["improvement"]
    if "concern" in point_type:
        return COLOURS["concern"]
    if "neutral" in point_type:
        return COLOURS["neutral"]
    return COLOURS["common"]


def chart_svg(measure: Measure, status: MeasureStatus, *, width: int = 640, height: int = 260,
              ident: str = "chart") -> str:
    """The XmR chart with mean, process limits and the target line."""
    pts = status.points
    if not pts:
        return ""
    left, right, top, bottom = 64, 16, 16, 40
    values = [p.value for p in pts] + [v for p in pts for v in (p.lpl, p.upl) if v is not None]
    if measure.target:
        values.append(measure.target.value)
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.08 or abs(hi) * 0.05 or 1.0
    lo, hi = lo - pad, hi + pad
    n = len(pts)
    x = lambda i: left + (i + 0.5) * (width - left - right) / n  # noqa: E731
    y = lambda v: top + (hi - v) * (height - top - bottom) / (hi - lo)  # noqa: E731
    unit = measure.unit
    desc = (f"{len(pts)} points from {pts[0].label} to {pts[-1].label}; latest "
            f"{format_value(pts[-1].value, unit)}. {status.variation_text or ''}. "
            + (f"Target {measure.target.text}. " if measure.target else "No target. ")
            + (status.assurance_text or ""))
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="ph-spc-chart" role="img" viewBox="0 0 {width} {height}" '
           f'width="100%" aria-labelledby="{ident}-title" aria-describedby="{ident}-desc">',
           f'<title id="{ident}-title">{escape(measure.name)}: statistical process control chart</title>',
           f'<desc id="{ident}-desc">{escape(desc)}</desc>',
           f'<rect x="{left}" y="{top}" width="{width - left - right}" height="{height - top - bottom}" '
           'fill="#ffffff" stroke="#d8dde0"/>']
    for frac in (0.0, 0.5, 1.0):
        v = lo + frac * (hi - lo)
        out.append(f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" font-size="11" fill="#4c6272">'
                   f'{escape(format_value(v, unit))}</text>')

    def polyline(attr: str, colour: str, dash: str = "") -> None:
        coords = [(x(i), y(getattr(p, attr))) for i, p in enumerate(pts) if getattr(p, attr) is not None]
        if len(coords) > 1:
            path = " ".join(f"{a:.1f},{b:.1f}" for a, b in coords)
            out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="1.5"'
                       + (f' stroke-dasharray="{dash}"' if dash else "") + "/>")

    polyline("mean", "#212b32")
    polyline("lpl", "#768692", "4 3")
    polyline("upl", "#768692", "4 3")
    if measure.target:
        ty = y(measure.target.value)
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="#da291c" '
                   'stroke-width="1.5" stroke-dasharray="8 4"/>')
        out.append(f'<text x="{width - right - 4}" y="{ty - 4:.1f}" text-anchor="end" font-size="11" '
                   f'fill="#da291c">Target {escape(format_value(measure.target.value, unit))}</text>')
    polyline("value", "#425563")
    for i, p in enumerate(pts):
        out.append(f'<circle cx="{x(i):.1f}" cy="{y(p.value):.1f}" r="3.5" fill="{_point_colour(p.point_type)}"/>')
    step = max(1, n // 6)
    for i in range(0, n, step):
        out.append(f'<text x="{x(i):.1f}" y="{height - bottom + 16}" text-anchor="middle" font-size="11" '
                   f'fill="#4c6272">{escape(pts[i].label)}</text>')
    out.append("</svg>")
    return "".join(out)


def icon_svg(kind: str, code: str | None, text: str | None, *, size: int = 40) -> str:
    """A Making Data Count style icon: a circle with a letter, and its meaning as title text."""
    if not code or not text:
        return ""
    if kind == "variation":
        group = code.split("_")[0]
        colour = COLOURS.get("common" if group == "common" else group, COLOURS["common"])
        letter = {"high": "H", "low": "L"}.get(code.split("_")[-1], "~")
    else:
        colour = {"pass": COLOURS["improvement"], "fail": COLOURS["concern"]}.get(code, COLOURS["common"])
        letter = {"pass": "P", "fail": "F"}.get(code, "?")
    r = size / 2
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="ph-spc-icon" role="img" width="{size}" '
            f'height="{size}" viewBox="0 0 {size} {size}"><title>{escape(text)}</title>'
            f'<circle cx="{r}" cy="{r}" r="{r - 2}" fill="#ffffff" stroke="{colour}" stroke-width="3"/>'
            f'<text x="{r}" y="{r + 6}" text-anchor="middle" font-size="{int(size / 2.2)}" font-weight="bold" '
            f'fill="{colour}">{letter}</text></svg>')
