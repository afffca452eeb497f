"""One XmR chart as a self-contained SVG string (pure: no files, no I/O), for products to embed.

Making Data Count conventions: grey common-cause points, blue improvement, orange concern,
purple neutral special cause; mean solid, process limits dashed, target red. Every mark that
carries meaning has a ``<title>``, and the icons carry ``aria-label`` text, so the chart reads
out in a screen reader.
"""

from __future__ import annotations

import math
from xml.sax.saxutils import escape, quoteattr

import numpy as np

from pophealth.spc.icons import (
    ASSURANCE_TEXT,
    COLOURS,
    POINT_COLOURS,
    VARIATION_TEXT,
    assurance_colour,
    variation_colour,
)
from pophealth.spc.result import XmrResult

WIDTH, HEIGHT = 720, 340
LEFT, RIGHT, TOP, BOTTOM = 64, 120, 40, 64


def _fmt(value: float) -> str:
    return f"{value:.4g}" if abs(value) < 1000 else f"{value:,.0f}"


def render_svg(result: XmrResult, *, title: str = "XmR chart", unit: str = "") -> str:
    """The chart as SVG text: points, mean, process limits, target, icons and notes."""
    pts = result.points
    values = pts["value"].to_numpy(dtype=float)
    n = len(values)
    target = result.options.target
    scale_values = np.concatenate([values, pts["lpl"].to_numpy(), pts["upl"].to_numpy(),
                                   [target if target is not None else np.nan]])
    finite = scale_values[np.isfinite(scale_values)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if high == low:
        low, high = low - 1.0, high + 1.0
    pad = (high - low) * 0.08
    low, high = low - pad, high + pad

    def x(i: int) -> float:
        return LEFT + (WIDTH - LEFT - RIGHT) * (0.5 if n <= 1 else i / (n - 1))

    def y(v: float) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (high - v) / (high - low)

    desc = _description(result, title, unit)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" '
        f'height="{HEIGHT}" role="img" aria-labelledby="spc-title spc-desc" font-family="Arial, sans-serif">',
        f'<title id="spc-title">{escape(title)}</title>',
        f'<desc id="spc-desc">{escape(desc)}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        f'<text x="{LEFT}" y="22" font-size="15" font-weight="bold">{escape(title)}</text>',
        *_axes(pts, low, high, x, y, unit),
        *_segment_lines(pts, x, y),
    ]
    if target is not None:
        parts.append(
            f'<line class="target" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(target):.2f}" y2="{y(target):.2f}" '
            f'stroke="{COLOURS["target"]}" stroke-width="1.5" stroke-dasharray="2 3">'
            f'<title>Target {escape(_fmt(target))}{escape(unit)}</title></line>'
        )
    parts += _data(pts, values, x, y, unit)
    parts += _icons(result)
    parts += _notes(result)
    parts.append("</svg>")
    return "\n".join(parts)


def _description(result: XmrResult, title: str, unit: str) -> str:
    pts = result.points
    text = [f"{title}: {len(pts)} points"]
    if len(pts):
        last = pts.iloc[-1]
        text.append(f"from {last_date(pts, 0)} to {last_date(pts, -1)}")
        if not math.isnan(last["mean"]):
            text.append(f"latest mean {_fmt(last['mean'])}{unit}")
        if not (math.isnan(last["lpl"]) or math.isnan(last["upl"])):
            text.append(f"process limits {_fmt(last['lpl'])} to {_fmt(last['upl'])}{unit}")
    text.append(VARIATION_TEXT[result.variation_icon])
    if result.assurance_icon:
        text.append(ASSURANCE_TEXT[result.assurance_icon])
    return "; ".join(text) + "."


def last_date(pts, i: int) -> str:  # noqa: ANN001 - a points frame
    return str(pts["date"].iloc[i])[:10]


def _axes(pts, low: float, high: float, x, y, unit: str) -> list[str]:  # noqa: ANN001
    bottom = HEIGHT - BOTTOM
    out = [
        f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{bottom}" stroke="#4c6272" aria-hidden="true"/>',
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{bottom}" y2="{bottom}" stroke="#4c6272" aria-hidden="true"/>',
    ]
    for v in np.linspace(low, high, 5):
        out.append(f'<text x="{LEFT - 6}" y="{y(v) + 4:.2f}" font-size="11" text-anchor="end" '
                   f'aria-hidden="true">{escape(_fmt(v))}{escape(unit)}</text>')
    if len(pts):
        for i in sorted({0, len(pts) - 1}):
            out.append(f'<text x="{x(i):.2f}" y="{bottom + 18}" font-size="11" text-anchor="middle" '
                       f'aria-hidden="true">{last_date(pts, i)}</text>')
    return out


def _segment_lines(pts, x, y) -> list[str]:  # noqa: ANN001
    """Mean and limits drawn per segment, so a rebase shows as a break."""
    out: list[str] = []
    groups = pts["rebase_group"].to_numpy()
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]]) if len(groups) else []
    for k, s in enumerate(starts):
        e = (starts[k + 1] if k + 1 < len(starts) else len(groups)) - 1
        row = pts.iloc[s]
        x1, x2 = x(s) - 4, x(e) + 4
        for name, value, dash, label in (("mean", row["mean"], "", "Mean"),
                                         ("upl", row["upl"], ' stroke-dasharray="6 4"', "Upper process limit"),
                                         ("lpl", row["lpl"], ' stroke-dasharray="6 4"', "Lower process limit")):
            if math.isnan(value):
                continue
            out.append(f'<line class="{name}" x1="{x1:.2f}" x2="{x2:.2f}" y1="{y(value):.2f}" '
                       f'y2="{y(value):.2f}" stroke="#231f20" stroke-width="1"{dash}>'
                       f'<title>{label} {escape(_fmt(value))}</title></line>')
    return out


def _data(pts, values: np.ndarray, x, y, unit: str) -> list[str]:  # noqa: ANN001
    out: list[str] = []
    groups = pts["rebase_group"].to_numpy()
    run: list[str] = []
    for i, v in enumerate(values):  # drawing is per point by nature; this is not the SPC hot path
        if math.isnan(v) or (i and groups[i] != groups[i - 1]):
            if len(run) > 1:
                out.append(_polyline(run))
            run = []
        if not math.isnan(v):
            run.append(f"{x(i):.2f},{y(v):.2f}")
    if len(run) > 1:
        out.append(_polyline(run))
    for i, row in enumerate(pts.itertuples(index=False)):
        if math.isnan(values[i]):
            continue
        colour = POINT_COLOURS[row.point_type]
        label = f"{str(row.date)[:10]}: {_fmt(values[i])}{unit}, " + (
            "common cause" if row.point_type == "common_cause"
            else f"{row.point_type.replace('_', ' ')} ({row.special_cause_type})")
        out.append(f'<circle cx="{x(i):.2f}" cy="{y(values[i]):.2f}" r="4" fill="{colour}" '
                   f'stroke="{colour}" data-point-type="{row.point_type}"><title>{escape(label)}</title></circle>')
    return out


def _polyline(run: list[str]) -> str:
    return (f'<polyline points="{" ".join(run)}" fill="none" stroke="{COLOURS["common"]}" '
            f'stroke-width="1.5" aria-hidden="true"/>')


def _icon(cx: float, cy: float, colour: str, letter: str, label: str, kind: str) -> str:
    return (f'<g class="{kind}-icon" role="img" aria-label={quoteattr(label)}>'
            f"<title>{escape(label)}</title>"
            f'<circle cx="{cx}" cy="{cy}" r="22" fill="#ffffff" stroke="{colour}" stroke-width="4"/>'
            f'<text x="{cx}" y="{cy + 6}" font-size="17" font-weight="bold" text-anchor="middle" '
            f'fill="{colour}">{escape(letter)}</text></g>')


def _icons(result: XmrResult) -> list[str]:
    cx = WIDTH - RIGHT / 2
    variation = result.variation_icon
    letter = {"high": "H", "low": "L"}.get(variation.rsplit("_", 1)[-1], "~")
    out = [_icon(cx, TOP + 30, variation_colour(variation), letter, VARIATION_TEXT[variation], "variation")]
    if result.assurance_icon:
        a = result.assurance_icon
        out.append(_icon(cx, TOP + 90, assurance_colour(a), {"pass": "P", "fail": "F"}.get(a, "?"),
                         ASSURANCE_TEXT[a], "assurance"))
    return out


def _notes(result: XmrResult) -> list[str]:
    notes = []
    if not result.limits_available:
        notes.append("No process limits: too little variation to compute them")
    elif result.trial_limits:
        notes.append("Trial limits: fewer than "
                     f"{result.options.warning_threshold} points since the last recalculation")
    if result.options.screen_outliers:
        notes.append("Moving ranges screened for outliers")
    return [f'<text class="note" x="{LEFT}" y="{HEIGHT - 8 - 14 * k}" font-size="11" fill="#4c6272">'
            f"{escape(t)}</text>" for k, t in enumerate(reversed(notes))]
