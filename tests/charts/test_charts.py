"""SVG charts are well-formed, accessible (title, desc, role) and escape their text."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from pophealth.charts.deciles import DecileBar, decile_chart
from pophealth.charts.scale import Scale, ticks
from pophealth.charts.spine import SpineRow, spine_chart
from pophealth.charts.trend import TrendPoint, trend_chart

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == NS + "svg" and root.get("role") == "img"
    ids = root.get("aria-labelledby").split()
    found = {el.get("id"): el for el in root.iter() if el.get("id")}
    assert [found[i].tag for i in ids] == [NS + "title", NS + "desc"]
    assert all(found[i].text.strip() for i in ids)
    # no coordinate or size is "nan"/"inf" (labels are free text and may spell anything)
    for el in root.iter():
        for name, value in el.attrib.items():
            if name in {"x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "width", "height", "points", "d"}:
                assert "nan" not in value.lower() and "inf" not in value.lower(), (el.tag, name, value)
    return root


def test_spine_chart_describes_every_row():
    rows = [SpineRow("Life expectancy (Male)", 77.5, 79.7, 77.5, 82.9, "worse"),
            SpineRow("Smoking", 9.8, 10.4, 4.4, 12.1, "similar"),
            SpineRow("No England value", 5.0, None, None, None, "not compared")]
    root = parse(spine_chart(rows, title="Leicester"))
    desc = root.find(NS + "desc").text
    assert "Life expectancy (Male): 77.5 against England 79.7, worse" in desc
    assert "No England value: 5.0 (not plotted" in desc
    assert len(root.findall(NS + "circle")) == 2


def test_trend_chart_draws_whiskers_only_where_limits_exist():
    pts = [TrendPoint("2015 - 17", 13.3, 9.8, 17.4, 14.7), TrendPoint("2016 - 18", 12.0, None, None, 14.0)]
    root = parse(trend_chart(pts, area="Leicester"))
    assert len(root.findall(NS + "path")) == 1
    assert "2015 - 17: 13.3 (95% CI 9.8 to 17.4), England 14.7" in root.find(NS + "desc").text


def test_decile_chart_states_the_sii():
    bars = [DecileBar("Most deprived", 0.1, 28.9), DecileBar("Least deprived", 0.9, 14.5)]
    root = parse(decile_chart(bars, sii=-18.0, intercept=30.7))
    assert "slope index of inequality (red line) is -18.0" in root.find(NS + "desc").text
    assert len(root.findall(NS + "rect")) == 2


def test_text_is_escaped():
    svg = spine_chart([SpineRow("<script>alert(1)</script> & co", 1.0, 2.0, 0.0, 3.0, "lower")],
                      title='"quoted" <b>')
    root = parse(svg)
    assert "<script>" not in svg and root.find(NS + "title").text == '"quoted" <b>'


maybe = st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.text(min_size=1, max_size=12), maybe, maybe, maybe, maybe), max_size=12))
def test_any_trend_is_well_formed(rows):
    parse(trend_chart([TrendPoint(*r) for r in rows], title="t"))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.text(min_size=1, max_size=12), maybe, maybe, maybe, maybe), max_size=12))
def test_any_spine_is_well_formed(rows):
    parse(spine_chart([SpineRow(label, v, e, lo, hi, "similar") for label, v, e, lo, hi in rows]))


@given(st.floats(-1e6, 1e6), st.floats(1e-3, 1e6))
def test_ticks_are_increasing_and_inside_the_range(lo, span):
    values = ticks(lo, lo + span)
    assert values and all(b > a for a, b in zip(values, values[1:]))
    assert all(lo - 1e-6 * span <= v <= lo + span * (1 + 1e-6) for v in values)


@given(st.floats(-1e3, 1e3), st.floats(0.1, 1e3), st.floats(-1e3, 1e3))
def test_scale_maps_ends_to_ends(lo, span, v):
    s = Scale(lo, lo + span, 300, 20)
    assert math.isclose(s(lo), 300) and math.isclose(s(lo + span), 20, abs_tol=1e-9)
