"""The SVG chart: well-formed, with text alternatives, MDC colours and every line it promises."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from pophealth.spc import xmr
from pophealth.spc.chart import render_svg

NS = {"s": "http://www.w3.org/2000/svg"}
# Alternating 4, 6 then one high point: mean 5.47, MRbar 2 (the jump is screened), limits 0.15..10.79
SERIES = [4, 6] * 14 + [4, 20]


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # raises on malformed XML


def test_chart_is_well_formed_with_title_desc_and_icon_labels() -> None:
    result = xmr(SERIES, improvement="increase", target=0)
    root = _parse(render_svg(result, title="A&E <4h> 'share'"))
    assert root.get("role") == "img"
    assert root.find("s:title", NS).text == "A&E <4h> 'share'"
    desc = root.find("s:desc", NS).text
    assert "improving nature" in desc and "pass the target" in desc
    icons = {g.get("class"): g for g in root.iter("{http://www.w3.org/2000/svg}g")}
    assert icons["variation-icon"].get("aria-label").startswith("Special cause variation of an improving")
    assert icons["assurance-icon"].get("aria-label") == "The process will consistently pass the target"
    assert all(g.find("s:title", NS) is not None for g in icons.values())


def test_points_are_coloured_by_point_type_and_each_has_a_title() -> None:
    result = xmr(SERIES, improvement="decrease")
    root = _parse(render_svg(result))
    circles = [c for c in root.iter("{http://www.w3.org/2000/svg}circle") if c.get("data-point-type")]
    assert len(circles) == 30
    assert circles[-1].get("fill") == "#e46c0a"  # concern: a high value when lower is better
    assert {c.get("fill") for c in circles[:-1]} == {"#a6a6a6"}
    assert all(c.find("s:title", NS).text for c in circles)


def test_missing_points_are_not_drawn_and_lines_break_at_rebases() -> None:
    values = [1, 2, None, 2, 1, 2, 1, 9, 10, 9, 10, 9]
    dates = [f"2024-01-{d:02d}" for d in range(1, 13)]
    result = xmr(values, dates, rebase_points=["2024-01-08"])
    root = _parse(render_svg(result))
    circles = [c for c in root.iter("{http://www.w3.org/2000/svg}circle") if c.get("data-point-type")]
    assert len(circles) == 11
    means = [e for e in root.iter("{http://www.w3.org/2000/svg}line") if e.get("class") == "mean"]
    assert len(means) == 2  # one per segment
    assert len(list(root.iter("{http://www.w3.org/2000/svg}polyline"))) == 3  # broken at the gap and rebase


def test_target_line_and_no_assurance_icon_without_target() -> None:
    with_target = _parse(render_svg(xmr([1, 2, 3, 2, 1], target=2.5)))
    assert [e for e in with_target.iter() if e.get("class") == "target"]
    without = _parse(render_svg(xmr([1, 2, 3, 2, 1])))
    assert not [e for e in without.iter() if e.get("class") in ("target", "assurance-icon")]


def test_constant_series_says_limits_are_missing() -> None:
    svg = render_svg(xmr([3, 3, 3, 3, 3]))
    root = _parse(svg)
    assert not [e for e in root.iter() if e.get("class") in ("upl", "lpl")]
    assert "No process limits" in svg


@pytest.mark.reference
def test_chart_command_draws_a_reference_case(tmp_path) -> None:
    from pophealth.cli import main
    from tests.spc.reference_cases import spc_dir

    out = tmp_path / "s29.svg"
    main(["spc", "chart", "--cases", str(spc_dir() / "cases.csv"), "--points", str(spc_dir() / "points.csv"),
          "--case", "S29_ae_RRK_rebase_decrease", "--out", str(out)])
    root = _parse(out.read_text("utf-8"))
    assert root.find("s:title", NS).text == "S29_ae_RRK_rebase_decrease"
    assert len([e for e in root.iter() if e.get("class") == "mean"]) == 2  # the rebase
