"""The crawler reads every figure on every built page and CSV and checks it against the policy."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.microsite.crawler import count_problem, crawl


def test_every_page_and_csv_of_the_demo_site_passes(built_site: Path) -> None:
    problems, read = crawl(built_site)
    assert problems == []
    assert read["pages"] >= 13 + 1 + 1 + 3  # home, pledges, priorities, places at least
    assert read["csv"] >= 13
    assert read["html count cells"] > 0 and read["csv count cells"] > 0
    assert read["html suppressed"] > 0  # the real Fingertips snapshot has small counts for Rutland


def test_the_crawler_finds_what_it_is_meant_to_find(built_site: Path, tmp_path: Path) -> None:
    """Tamper with a copy of the site: every kind of fault is reported."""
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    profile = site / "places" / "E06000017-profile.csv"
    lines = profile.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    assert "count" in header, "place profile CSV lost its count column"
    cells = lines[1].split(",")
    cells[header.index("count")] = "3"
    lines[1] = ",".join(cells)
    profile.write_text("\n".join(lines) + "\n", encoding="utf-8")
    page = site / "pledges" / "1.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</body>", "<script>x()</script><h1>Two</h1>"
                                                             "<a href=\"../nowhere.html\">x</a></body>"),
                    encoding="utf-8")
    (site / "stray.csv").write_text("count\n10\n", encoding="utf-8")
    problems = "\n".join(crawl(site)[0])
    assert "E06000017-profile.csv row 2: count: count 3 is in 1..7" in problems
    assert "pledges/1.html: has 1 <script>" in problems
    assert "pledges/1.html: 2 h1 elements" in problems
    assert "link '../nowhere.html' does not resolve" in problems
    assert "stray.csv: not listed in open-data.json" in problems


def test_count_rule() -> None:
    assert [count_problem(t) for t in ("", "[c]", "0", "10", "1,005")] == [None] * 5
    assert all(count_problem(t) for t in ("1", "7", "12", "2.5", "n/a"))
    assert count_problem("8") == "count 8 is not a multiple of 5"
