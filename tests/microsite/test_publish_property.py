"""Random counts through the publishing path (protect → table → CSV and HTML) always pass the crawler."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from pophealth.microsite.build import environment
from pophealth.microsite.csv_tables import write_csv
from pophealth.microsite.tables import publish
from tests.microsite.crawler import check_csv, check_page

counts = st.one_of(st.integers(0, 12), st.integers(0, 5000), st.none())
groups = st.lists(st.lists(counts, min_size=1, max_size=5), min_size=1, max_size=6)


def frame_of(members: list[list[int | None]], with_total: bool) -> pd.DataFrame:
    rows = []
    for g, cells in enumerate(members):
        for m, c in enumerate(cells):
            rows.append({"area": f"A{g}", "category": f"c{m}", "count": c, "rate": None if c is None else c / 7})
        if with_total:
            known = [c for c in cells if c is not None]
            rows.append({"area": f"A{g}", "category": "Total", "count": sum(known), "rate": sum(known) / 7})
    frame = pd.DataFrame(rows)
    frame["count"] = frame["count"].astype("float64")
    frame["rate"] = frame["rate"].astype("float64")
    return frame


@settings(max_examples=60)
@given(members=groups, with_total=st.booleans())
def test_random_counts_publish_safely(members: list[list[int | None]], with_total: bool) -> None:
    frame = frame_of(members, with_total)
    table = publish(frame, slug="t", caption="Random", labels={"area": "Area", "category": "Category",
                                                               "count": "Count", "rate": "Rate"},
                    group_by=["area"] if with_total else [], dependent=["rate"])
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder)
        write_csv(table, site / "t.csv")
        assert check_csv(site, site / "t.csv", table.group_by) == []
        page = environment().from_string('{% from "_macros.jinja" import table %}<!DOCTYPE html><html lang="en">'
                                          "<body><h1>T</h1>{{ table(t, '') }}</body></html>").render(t=table)
        (site / "t.html").write_text(page, encoding="utf-8")
        problems = [p for p in check_page(site, site / "t.html") if "does not resolve" not in p]  # a lone page
        assert problems == []
    for before, after, hidden in zip(frame.to_dict("records"), table.rows, table.suppressed):
        if pd.isna(before["count"]):
            assert after["count"] is None  # missing at source (withheld where a total could reveal it)
        elif "count" in hidden:
            assert after["count"] is None and after["rate"] is None  # the rate goes with its count
        else:
            c = before["count"]
            assert not 1 <= c <= 7 and after["count"] == int(c // 5 * 5 + (5 if c % 5 >= 2.5 else 0))
            assert after["rate"] == before["rate"]
