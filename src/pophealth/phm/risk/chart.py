"""The calibration plot: observed against mean predicted risk by decile of predicted risk, as SVG."""

from __future__ import annotations

from pophealth.charts.scale import Scale, svg, text, ticks


def calibration_chart(bins: list[dict[str, float]], *, ident: str = "calibration",
                      title: str = "Calibration: observed against predicted risk by decile") -> str:
    """Points per decile with the line of perfect calibration; both axes in percent."""
    width, height, left, right, top, bottom = 480, 400, 60, 460, 20, 350
    top_value = max([b["predicted"] for b in bins] + [b["observed"] for b in bins] + [0.01]) * 1.1
    xs, ys = Scale(0, top_value, left, right), Scale(0, top_value, bottom, top)
    body = [f'<rect x="{left}" y="{top}" width="{right - left}" height="{bottom - top}" fill="#ffffff" '
            f'stroke="#d8dde0"/>']
    for t in ticks(0, top_value):
        pct = f"{t * 100:.0f}%" if top_value > 0.05 else f"{t * 100:.1f}%"
        body.append(f'<line x1="{left}" x2="{right}" y1="{ys(t):.1f}" y2="{ys(t):.1f}" stroke="#f0f4f5"/>'
                    f'<text x="{left - 6}" y="{ys(t) + 4:.1f}" text-anchor="end" font-size="12" '
                    f'fill="#4c6272">{pct}</text>'
                    f'<text x="{xs(t):.1f}" y="{bottom + 16}" text-anchor="middle" font-size="12" '
                    f'fill="#4c6272">{pct}</text>')
    body.append(f'<line x1="{xs(0):.1f}" y1="{ys(0):.1f}" x2="{xs(top_value):.1f}" y2="{ys(top_value):.1f}" '
                f'stroke="#768692" stroke-dasharray="4 4"/>')
    for b in bins:
        label = (f"Decile {b['bin']}: predicted {b['predicted'] * 100:.1f}%, observed {b['observed'] * 100:.1f}%"
                 f" ({b['n']:,} people)")
        body.append(f'<circle cx="{xs(b["predicted"]):.1f}" cy="{ys(b["observed"]):.1f}" r="5" fill="#005eb8">'
                    f'<title>{text(label)}</title></circle>')
    body.append(f'<text x="{(left + right) / 2}" y="{height - 14}" text-anchor="middle" font-size="13" '
                f'fill="#212b32">Mean predicted risk</text>'
                f'<text x="16" y="{(top + bottom) / 2}" text-anchor="middle" font-size="13" fill="#212b32" '
                f'transform="rotate(-90 16 {(top + bottom) / 2})">Observed risk</text>')
    worst = max(bins, key=lambda b: abs(b["observed"] - b["predicted"])) if bins else None
    desc = ("Each point is a tenth of people ranked by predicted risk; points on the dashed line are "
            "perfectly calibrated." + (f" Largest gap: decile {worst['bin']}, predicted "
                                      f"{worst['predicted'] * 100:.1f}% against observed {worst['observed'] * 100:.1f}%."
                                      if worst else ""))
    return svg(width, height, ident, title, desc, body)
