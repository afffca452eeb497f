"""One XmR chart as a self-contained SVG string (pure: no files, no I/O), for products to embed.

Making Data Count conventions: grey common-cause points, blue improvement, orange concern,
purple neutral special cause; mean solid, process limits dashed, target red. Every mark that
carries meaning has a ``<title>``, and the icons carry ``aria-label`` text, so the chart reads
out in a screen reader. The assurance icon drawn is the one of the documented status rule
(``spc.status``), so a chart and the status beside it never disagree.

Products pass ``labels`` (their own period labels, e.g. "2018 - 20"), ``fmt`` (values in the
measure's unit), ``target_label`` and a page-unique ``ident``; ``icon_svg`` draws one icon alone
for tables.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
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
from pophealth.spc.status import status

WIDTH, HEIGHT = 720, 340
LEFT, RIGHT, TOP, BOTTOM = 64, 120, 40, 64


def _fmt(value: float) -> str:
    return f"{value:.4g}" if abs(value) < 1000 else f"{value:,.0f}"


@dataclass(frozen=True)
class _Style:
    """How a product wants values and periods written."""

    labels: list[str]
    fmt: Callable[[float], str]


def render_svg(result: XmrResult, *, title: str = "XmR chart", unit: str = "", ident: str = "spc",
               labels: Sequence[str] | None = None, fmt: Callable[[float], str] | None = None,
               target_label: str | None = None, icons: bool = True, heading: bool = True) -> str:
    """The chart as SVG text: points, mean, process limits, target, icons and notes.

    ``ident`` prefixes the element ids (several charts on one page); ``labels`` replace the ISO
    dates on the axis and in point titles; ``fmt`` writes values (default: 4 significant
    figures followed by ``unit``); ``icons=False`` and ``heading=False`` leave the icons and the
    visible title to the page around the chart (the title stays the accessible name).
    """
    pts = result.points
    values = pts["value"].to_numpy(dtype=float)
    n = len(values)
    style = _Style(list(labels) if labels is not None else [str(d)[:10] for d in pts["date"]],
                   fmt or (lambda v: f"{_fmt(v)}{unit}"))
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

    shown = status(result).assurance_icon
    target_text = target_label or (style.fmt(target) if target is not None else "")
    desc = _description(result, title, style, shown, target_text)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="spc-chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" role="img" aria-labelledby="{ident}-title" aria-describedby="{ident}-desc" '
        'font-family="Arial, sans-serif">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(desc)}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        *([f'<text x="{LEFT}" y="22" font-size="15" font-weight="bold" aria-hidden="true">{escape(title)}</text>']
          if heading else []),
        *_axes(pts, low, high, x, y, style),
        *_segment_lines(pts, x, y, style),
    ]
    if target is not None:
        ty = y(target)
        parts.append(
            f'<line class="target" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{ty:.2f}" y2="{ty:.2f}" '
            f'stroke="{COLOURS["target"]}" stroke-width="1.5" stroke-dasharray="2 3">'
            f'<title>Target {escape(target_text)}</title></line>'
        )
        parts.append(f'<text class="target-label" x="{WIDTH - RIGHT - 4}" y="{ty - 4:.2f}" font-size="11" '
                     f'text-anchor="end" fill="{COLOURS["target"]}" aria-hidden="true">'
                     f'Target {escape(target_text)}</text>')
    parts += _data(pts, values, x, y, style)
    if icons:
        parts += _icons(result, shown)
    parts += _notes(result)
    parts.append("</svg>")
    return "\n".join(parts)


def _description(result: XmrResult, title: str, style: _Style, assurance: str | None, target_text: str) -> str:
    pts = result.points
    text = [f"{title}: {len(pts)} points"]
    if len(pts):
        last = pts.iloc[-1]
        text.append(f"from {style.labels[0]} to {style.labels[-1]}")
        if not math.isnan(last["value"]):
            text.append(f"latest value {style.fmt(last['value'])}")
        if not math.isnan(last["mean"]):
            text.append(f"latest mean {style.fmt(last['mean'])}")
        if not (math.isnan(last["lpl"]) or math.isnan(last["upl"])):
            text.append(f"process limits {style.fmt(last['lpl'])} to {style.fmt(last['upl'])}")
    if result.options.target is not None:
        text.append(f"Target {target_text}")
    text.append(VARIATION_TEXT[result.variation_icon])
    if assurance:
        text.append(ASSURANCE_TEXT[assurance])
    return "; ".join(text) + "."


def _axes(pts, low: float, high: float, x, y, style: _Style) -> list[str]:  # noqa: ANN001
    bottom = HEIGHT - BOTTOM
    out = [
        f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{bottom}" stroke="#4c6272" aria-hidden="true"/>',
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{bottom}" y2="{bottom}" stroke="#4c6272" aria-hidden="true"/>',
    ]
    written = set()
    for v in np.linspace(low, high, 5):
        if style.fmt(v) in written:  # coarse units (counts) round neighbouring ticks alike: write each once
            continue
        written.add(style.fmt(v))
        out.append(f'<text x="{LEFT - 6}" y="{y(v) + 4:.2f}" font-size="11" text-anchor="end" '
                   f'aria-hidden="true">{escape(style.fmt(v))}</text>')
    if len(pts):
        for i in sorted({0, len(pts) - 1}):
            out.append(f'<text x="{x(i):.2f}" y="{bottom + 18}" font-size="11" text-anchor="middle" '
                       f'aria-hidden="true">{escape(style.labels[i])}</text>')
    return out


def _segment_lines(pts, x, y, style: _Style) -> list[str]:  # noqa: ANN001
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
                       f'<title>{label} {escape(style.fmt(value))}</title></line>')
    return out


def _data(pts, values: np.ndarray, x, y, style: _Style) -> list[str]:  # noqa: ANN001
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
        label = f"{style.labels[i]}: {style.fmt(values[i])}, " + (
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


def _variation_mark(icon: str) -> tuple[str, str, str]:
    return variation_colour(icon), {"high": "H", "low": "L"}.get(icon.rsplit("_", 1)[-1], "~"), VARIATION_TEXT[icon]


def _assurance_mark(icon: str) -> tuple[str, str, str]:
    return assurance_colour(icon), {"pass": "P", "fail": "F"}.get(icon, "?"), ASSURANCE_TEXT[icon]


def _icons(result: XmrResult, assurance: str | None) -> list[str]:
    cx = WIDTH - RIGHT / 2
    out = [_icon(cx, TOP + 30, *_variation_mark(result.variation_icon), "variation")]
    if assurance:
        out.append(_icon(cx, TOP + 90, *_assurance_mark(assurance), "assurance"))
    return out


def icon_svg(kind: str, icon: str | None, *, size: int = 40) -> str:
    """One icon on its own (``kind`` "variation" or "assurance"), for tables; "" without an icon.

    The SVG is an image whose accessible name is the icon's meaning.
    """
    if not icon:
        return ""
    colour, letter, label = (_variation_mark if kind == "variation" else _assurance_mark)(icon)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="ph-spc-icon {kind}-icon" width="{size}" '
            f'height="{size}" viewBox="0 0 60 60" role="img" aria-label={quoteattr(label)}>'
            f"<title>{escape(label)}</title>"
            f'<circle cx="30" cy="30" r="26" fill="#ffffff" stroke="{colour}" stroke-width="4"/>'
            f'<text x="30" y="37" font-size="20" font-weight="bold" text-anchor="middle" '
            f'fill="{colour}">{escape(letter)}</text></svg>')


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
