"""Spine chart labels wrap instead of running off the left edge of the chart (seen on the place pages)."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from pophealth.charts.spine import LABEL_CHARS, SpineRow, spine_chart

WORDS = st.text(alphabet=st.characters(whitelist_categories=("Ll", "Lu", "Nd")), min_size=1, max_size=20)


@given(st.lists(st.lists(WORDS, min_size=1, max_size=15).map(" ".join), min_size=1, max_size=6))
def test_every_label_is_kept_whole_in_lines_that_fit(labels):
    chart = spine_chart([SpineRow(label=x, value=1.0, england=2.0, low=0.5, high=3.0, rag="worse") for x in labels])
    texts = re.findall(r'<text text-anchor="end" font-size="12">(.*?)</text>', chart)
    assert len(texts) == len(labels)
    for label, found in zip(labels, texts):
        lines = re.findall(r"<tspan[^>]*>(.*?)</tspan>", found)
        assert all(len(line) <= LABEL_CHARS for line in lines)
        assert "".join(lines).replace(" ", "") == label.replace(" ", "")
