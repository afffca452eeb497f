"""One number everywhere: every product shows the same value for the same measure, place and period.

The crawler reads what each product publishes - the web pages and their JSON twins, the board pack
(its workbook and its HTML), the public microsite (its pages and CSV files) and the place profiles -
and fails when one (measure, place or group, period) shows two values anywhere.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from pophealth.geography.load import load_geography
from pophealth.indicators.load import load_shipped_fingertips
from pophealth.measures.demo import load_measures_demo
from pophealth.measures.formatting import format_value
from pophealth.measures.tracking import take_snapshot
from pophealth.microsite import build_site
from pophealth.reports.board_pack import write_board_pack
from pophealth.strategy import load_strategy
from pophealth.web.app import create_app
from pophealth.warehouse import connect

pytestmark = pytest.mark.slow
PLACES = ("E06000016", "E10000018", "E06000017")


@pytest.fixture(scope="module")
def products(tmp_path_factory):
    root = tmp_path_factory.mktemp("one-number")
    db = root / "w.duckdb"
    con = connect(db)
    try:
        load_geography(con)
        load_shipped_fingertips(con)
        load_measures_demo(con)
        strategy = load_strategy()
        pack = write_board_pack(take_snapshot(con, strategy), root / "pack", pdf=False)
        build_site(con, root / "site")
    finally:
        con.close()
    client = TestClient(create_app(db))
    return {"client": client, "pack": pack, "site": root / "site", "strategy": strategy}


class Seen:
    """Every value shown for a key, with where it was shown."""

    def __init__(self) -> None:
        self.values: dict[tuple, dict[str, str]] = defaultdict(dict)

    def add(self, key: tuple, text: str, where: str) -> None:
        self.values[key].setdefault(text, where)

    def conflicts(self) -> dict[tuple, dict[str, str]]:
        return {k: v for k, v in self.values.items() if len(v) > 1}


def _unit(strategy, measure_id: str) -> str:
    return strategy.measure(measure_id).unit


def _measure_pages(products, seen: Seen) -> None:
    client, strategy = products["client"], products["strategy"]
    for m in strategy.measures:
        view = client.get(f"/api/measures/{m.id}").json()["measure"]
        if view["latest_label"]:
            seen.add((m.id, view["headline_label"], view["latest_label"]), view["latest_text"],
                     f"/api/measures/{m.id}")
            html = client.get(f"/measures/{m.id}").text
            assert view["latest_text"] in html, m.id
        for c in view["compare"]:
            if c["period"]:
                seen.add((m.id, c["label"], c["period"]), c["value_text"], f"/api/measures/{m.id} (compare)")


def _board_pack(products, seen: Seen) -> None:
    strategy = products["strategy"]
    wb = load_workbook(products["pack"].xlsx, read_only=True)
    latest: dict[tuple, tuple] = {}
    for measure_id, label, _code, period, start, value in list(wb["Figures"].iter_rows(values_only=True))[1:]:
        text = format_value(value, _unit(strategy, measure_id))
        seen.add((measure_id, label, period), text, "board pack workbook")
        if (measure_id, label) not in latest or start > latest[(measure_id, label)][0]:
            latest[(measure_id, label)] = (start, text)
    html = products["pack"].html.read_text(encoding="utf-8")
    for key, (_start, text) in latest.items():  # the pack's pages show each series' latest figure
        assert text in html, (key, text, "the board pack's pages lack the workbook's latest figure")


def _microsite(products, seen: Seen) -> None:
    strategy = products["strategy"]
    names = {m.name: m for m in strategy.measures}
    for path in sorted((products["site"] / "pledges").glob("*-measures.csv")):
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                name, _, label = row["measure"].partition(": ")
                m = names.get(row["measure"]) or names.get(name)
                shown = row["latest"] or (format_value(float(row["latest_count"]), "count")
                                          if row.get("latest_count") else "")
                if m is None or not row["period"] or not shown:
                    continue
                if names.get(row["measure"]):
                    label = None
                key_label = label or _headline_label(products, m.id)
                seen.add((m.id, key_label, row["period"]), shown, f"microsite {path.name}")


def _headline_label(products, measure_id: str) -> str:
    return products["client"].get(f"/api/measures/{measure_id}").json()["measure"]["headline_label"]


def _place_profiles(products, seen: Seen) -> None:
    """Each place profile row that a measure shows, by the measure's own key."""
    client, strategy = products["client"], products["strategy"]
    series_of: dict[tuple, tuple[str, str]] = {}
    for m in strategy.measures:
        d = m.data
        if d.kind != "indicator" or d.gap_to:
            continue
        view = client.get(f"/api/measures/{m.id}").json()["measure"]
        series_of[(d.indicator_id, d.area_code, d.sex)] = (m.id, view["headline_label"])
        for ref, c in zip(d.compare, view["compare"]):
            series_of[(d.indicator_id, ref.org, ref.sex or d.sex)] = (m.id, c["label"])
    for code in PLACES + ("E92000001",):
        response = client.get(f"/api/places/{code}")
        if response.status_code != 200:
            continue
        for row in response.json()["profile"]["rows"]:
            hit = series_of.get((row["indicator_id"], code, row["sex"]))
            if hit is None or row["value"] is None:
                continue
            measure_id, label = hit
            seen.add((measure_id, label, row["period"]), format_value(row["value"], _unit(strategy, measure_id)),
                     f"/api/places/{code}")


def test_every_product_shows_one_value_per_measure_place_and_period(products):
    seen = Seen()
    _measure_pages(products, seen)
    _board_pack(products, seen)
    _microsite(products, seen)
    _place_profiles(products, seen)
    assert len(seen.values) > 50  # the crawl found the figures, not an empty site
    assert seen.conflicts() == {}


@pytest.mark.parametrize("code,name", [("E06000016", "Leicester"), ("E06000017", "Rutland")])
@pytest.mark.parametrize("measure_id,indicator_id", [("life-expectancy-at-birth", 90366),
                                                     ("u75-preventable-mortality-cancer", 40502)])
def test_life_expectancy_and_preventable_cancer_mortality_agree_across_products(products, code, name, measure_id,
                                                                                indicator_id):
    client, strategy = products["client"], products["strategy"]
    unit = _unit(strategy, measure_id)
    profile = [r for r in client.get(f"/api/places/{code}").json()["profile"]["rows"]
               if r["indicator_id"] == indicator_id and r["value"] is not None]
    assert profile, f"{name} has no {indicator_id} on its place profile"
    latest = profile[0]
    text = format_value(latest["value"], unit)
    view = client.get(f"/api/measures/{measure_id}").json()["measure"]
    shown = [(view["headline_org"], view["latest_label"], view["latest_text"])] + [
        (c["org"], c["period"], c["value_text"]) for c in view["compare"]]
    assert (code, latest["period"], text) in shown
    assert text in products["pack"].html.read_text(encoding="utf-8")
    page = (products["site"] / "places" / f"{code}.html").read_text(encoding="utf-8")
    assert re.search(re.escape(f"{latest['value']:.1f}"), page)
    pledge = 1 if measure_id.startswith("life") else 2
    assert text in (products["site"] / "pledges" / f"{pledge}.html").read_text(encoding="utf-8")


def test_leicestershire_says_what_is_not_published_here(products):
    view = products["client"].get("/api/measures/life-expectancy-at-birth").json()["measure"]
    assert "Leicestershire" in (view["note"] or "")
    county = [c for c in view["compare"] if c["org"] == "E10000018"]
    assert all(c["period"] is None for c in county)  # no county figure here: none is shown, none is invented


def test_the_pack_and_site_hold_no_figure_from_made_up_data(products):
    text = _visible(products["pack"].html.read_text(encoding="utf-8")).lower()
    assert "synthetic" not in text and "example" not in text
    for internal in ("docs/", ".md", "metric_observation", "indicator_value", "data/formats", "`"):
        assert internal not in text, internal
    for page in Path(products["site"]).rglob("*.html"):
        body = _visible(page.read_text(encoding="utf-8")).lower()
        assert "synthetic" not in body and "example update" not in body, page
        assert "we will we will" not in body, page
        for internal in ("docs/", ".md", "metric_observation", "indicator_value", "data/formats"):
            assert internal not in body, (page, internal)


def _visible(html: str) -> str:
    """The words a reader sees: no styles, scripts or tags."""
    html = re.sub(r"(?s)<(style|script)[^>]*>.*?</\1>", " ", html)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())
