"""A crawler across products: the public web app (pages' JSON twins and downloads) against the microsite.

The attack replayed: ``/api/places/*``, ``/indicators/*`` and the place CSV/XLSX published the rate and limits
of rows whose counts the microsite suppressed; the rate times the denominator the microsite published gave
the hidden count exactly (1, 3, 4, 7), and Rutland's suicide rate of 3.3 per 100,000 (about one death)
showed on the web profile. The crawler knows the warehouse's true counts, reads every public route that can
carry an indicator figure, and fails on any figure one product shows and the other protects, on any rate or
limit of a row whose count is protected, on a group with a single hidden row (differencing), and on any
rate x denominator that lands on a protected count.
"""

from __future__ import annotations

import csv
import io
import math
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from pophealth.indicators.metadata import catalogue
from pophealth.microsite import build_site
from pophealth.warehouse import connect
from pophealth.web.app import create_app
from pophealth.web.pages import route_registry
from tests.microsite.conftest import demo_warehouse

MAX_SMALL = 7
# Public GET routes that carry no indicator figure (strategy text, measures, sign-in, API docs): listed so that
# a new public route must be either crawled below or named here on purpose.
NO_INDICATOR_FIGURES = {
    "/", "/api", "/pledges", "/api/pledges", "/pledges/{number:int}", "/api/pledges/{number:int}",
    "/delivery-priorities", "/api/delivery-priorities", "/delivery-priorities/{slug}",
    "/api/delivery-priorities/{slug}", "/focuses", "/api/focuses", "/focuses/{slug}", "/api/focuses/{slug}",
    "/jhws", "/api/jhws", "/jhws/{slug}", "/api/jhws/{slug}", "/leicester", "/api/leicester",
    "/leicester/themes/{letter}", "/api/leicester/themes/{letter}", "/leicester/priorities/{pid}",
    "/api/leicester/priorities/{pid}", "/measures", "/api/measures", "/measures/{measure_id}",
    "/api/measures/{measure_id}", "/measures/{measure_id}/narrative", "/api/measures/{measure_id}/narrative",
    "/pledges/{number:int}/measures", "/api/pledges/{number:int}/measures", "/login", "/api/login", "/login/sso",
    "/login/sso/callback", "/api/docs", "/api/openapi.json", "/places", "/api/places",
    # the register's own words: Rutland's JHWS priorities, the enablers and the figures their case studies print
    "/rutland", "/api/rutland", "/enablers", "/api/enablers", "/enablers/{slug}", "/api/enablers/{slug}",
}
# HTML pages are rendered from the same typed context as their JSON twin, which is what is crawled
CRAWLED = {"/places/{area_code}.csv", "/places/{area_code}.xlsx", "/api/places/{area_code}", "/places/{area_code}",
           "/api/indicators/{indicator_id:int}", "/indicators/{indicator_id:int}",
           "/api/pledges/{number:int}/places", "/pledges/{number:int}/places"}


@pytest.fixture(scope="module")
def products(tmp_path_factory):
    folder = tmp_path_factory.mktemp("products")
    db = demo_warehouse(folder / "w.duckdb")
    con = connect(db)
    truth = con.execute("SELECT * FROM indicator_value").df()
    build_site(con, folder / "site")
    con.close()
    app = create_app(db)
    yield truth, folder / "site", TestClient(app), app
    app.state.con.close()


def _key(area, indicator, sex, age, period, category=""):
    return (str(area), int(indicator), str(sex), str(age or ""), str(period), str(category or ""))


def _num(x) -> float | None:
    if x is None or x == "":
        return None
    value = float(x)
    return None if math.isnan(value) else value


def _multiplier(unit: str) -> float | None:
    if unit.strip() == "%":
        return 100.0
    found = re.match(r"per ([\d,]+)", unit.strip())
    return float(found.group(1).replace(",", "")) if found else None


def _crawl_web(client: TestClient, truth) -> list[dict]:
    """Every indicator figure the public web app shows: (key, value, limits) from each crawled route."""
    figures: list[dict] = []
    places = [p.code for p in catalogue().places]

    def add(route, area, indicator, sex, age, period, category="", **values):
        figures.append({"route": route, "key": _key(area, indicator, sex, age, period, category),
                        **{k: _num(v) for k, v in values.items()}})

    for code in places:
        page = client.get(f"/api/places/{code}").json()
        for r in page["profile"]["rows"]:
            add(f"/api/places/{code}", code, r["indicator_id"], r["sex"], r["age"], r["period"],
                value=r["value"], lower=r["lower_ci95"], upper=r["upper_ci95"])
        table = list(csv.reader(io.StringIO(client.get(f"/places/{code}.csv").content.decode("utf-8-sig"))))
        for row in table[1:]:
            add(f"/places/{code}.csv", code, row[0], row[2], row[3], row[4], value=row[5], lower=row[6], upper=row[7])
        book = load_workbook(io.BytesIO(client.get(f"/places/{code}.xlsx").content), read_only=True)
        for row in list(book["Profile"].iter_rows(values_only=True))[1:]:
            add(f"/places/{code}.xlsx", code, row[0], row[2], row[3], row[4], value=row[5], lower=row[6],
                upper=row[7])
    for indicator in sorted(set(truth["indicator_id"])):
        for code in sorted(set(truth.loc[truth["indicator_id"] == indicator, "area_code"]) & set(places)):
            page = client.get(f"/api/indicators/{indicator}?area={code}").json()
            for t in page["trends"]:
                for p in t["trend"]["points"]:
                    add("/api/indicators", t["trend"]["area_code"], indicator, t["trend"]["sex"], t["trend"]["age"],
                        p["period"], value=p["value"], lower=p["lower_ci95"], upper=p["upper_ci95"])
            for s in page["inequality"]:
                s = s["series"]
                for p in s["points"]:
                    add("/api/indicators (inequality)", s["area_code"], indicator, s["sex"], s["age"], s["period"],
                        p["category"], value=p["value"], weight=p["weight"])
    for number in sorted(catalogue().pledge_measures):
        for c in client.get(f"/api/pledges/{number}/places").json()["comparisons"]:
            for p in c["places"]:
                if c["period"]:
                    figures.append({"route": f"/api/pledges/{number}/places", "sex": c["sex"], "period": c["period"],
                                    "indicator": c["indicator_id"], "area": p["area_code"], "value": _num(p["value"]),
                                    "lower": _num(p["lower_ci95"]), "upper": _num(p["upper_ci95"])})
    return figures


def _microsite(site: Path) -> dict[tuple, dict]:
    rows = {}
    for path in (site / "places").glob("*-profile.csv"):
        code = path.name.split("-")[0]
        for r in csv.DictReader(path.open(encoding="utf-8")):
            rows[_key(code, r["indicator_id"], r["sex"], r["age"], r["period"])] = {
                "value": _num(r["value"]), "lower": _num(r["lower_ci95"]), "upper": _num(r["upper_ci95"]),
                "count": _num(r["count"]), "denominator": _num(r["denominator"]), "unit": r["unit"]}
    return rows


def test_every_public_route_is_crawled_or_carries_no_indicator_figure(products):
    _, _, _, app = products
    public = {r.path for r in route_registry(app) if r.role == "public" and "GET" in r.methods}
    assert public - NO_INDICATOR_FIGURES - CRAWLED == set()


def test_no_public_route_or_download_shows_a_figure_from_which_a_protected_count_can_be_recovered(products):
    truth, site, client, _ = products
    loaded = {_key(r.area_code, r.indicator_id, r.sex, r.age, r.time_period, r.category): r
              for r in truth.itertuples(index=False)}
    micro = _microsite(site)
    figures = _crawl_web(client, truth)
    assert len(figures) > 1000 and len(micro) > 100  # the crawl saw the products
    by_pledge = [f for f in figures if "key" not in f]
    figures = [f for f in figures if "key" in f]

    # which true rows are protected: a count of 1-7, or withheld by the microsite (secondary, missing at source)
    def protected(key) -> bool:
        row = loaded.get(key)
        small = row is not None and row.count == row.count and 0 < row.count <= MAX_SMALL
        on_site = micro.get(key[:5] + ("",))
        hidden_on_site = on_site is not None and on_site["value"] is None and row is not None and row.value == row.value
        return small or hidden_on_site

    problems = []
    for f in figures:
        shown = [k for k in ("value", "lower", "upper") if f.get(k) is not None]
        if shown and protected(f["key"]):
            problems.append(f"{f['route']} shows {shown} of protected row {f['key']}")
    for f in by_pledge:
        matches = [k for k in loaded if k[0] == f["area"] and k[1] == f["indicator"] and k[2] == f["sex"]
                   and k[4] == f["period"] and k[5] == ""]
        if f["value"] is not None and any(protected(k) for k in matches):
            problems.append(f"{f['route']} shows the value of protected rows {matches}")

    # the same figure on both products: what the microsite withholds, the web app withholds, and vice versa
    for f in figures:
        on_site = micro.get(f["key"])
        if on_site is not None and f["route"].startswith("/api/places"):
            if (on_site["value"] is None) != (f["value"] is None):
                problems.append(f"{f['key']}: microsite value {on_site['value']}, web {f['value']}")

    # rate x published denominator must not land on a protected count
    for f in figures:
        on_site, row = micro.get(f["key"][:5] + ("",)), loaded.get(f["key"])
        if f.get("value") is None or on_site is None or on_site["denominator"] is None or row is None:
            continue
        mult = _multiplier(on_site["unit"])
        if mult and row.count == row.count and protected(f["key"]):
            if abs(f["value"] * on_site["denominator"] / mult - row.count) < 0.5:
                problems.append(f"{f['route']}: {f['value']} x {on_site['denominator']} recovers {row.count}")

    # differencing within a group (sexes adding up to Persons): never exactly one row hidden on the web
    seen: dict[tuple, dict[str, bool]] = {}
    for f in figures:
        if f["route"].startswith("/api/indicators") or f["route"].startswith("/api/places"):
            row = loaded.get(f["key"])
            if row is not None and row.count == row.count and row.value == row.value:
                group = (f["route"].split(" ")[0],) + f["key"][:2] + f["key"][3:]
                seen.setdefault(group, {})[f["key"][2]] = f["value"] is None
    for group, hidden in seen.items():
        if len(hidden) == 3 and sum(hidden.values()) == 1:
            problems.append(f"{group}: exactly one sex hidden ({hidden})")
    assert not problems, "\n".join(problems[:80]) + f"\n({len(problems)} problems)"


def test_the_crawler_finds_the_leak_it_is_meant_to_find(products, monkeypatch):
    """Turn protection off in the web app's reader and the crawler must fail (it did on the old code)."""
    truth, site, _, _ = products
    import pophealth.indicators.store as store

    monkeypatch.setattr(store, "protect_indicator_values", lambda frame: frame)
    db = next(site.parent.glob("*.duckdb"))
    app = create_app(db)
    try:
        with pytest.raises(AssertionError, match="protected row"):
            test_no_public_route_or_download_shows_a_figure_from_which_a_protected_count_can_be_recovered(
                (truth, site, TestClient(app), app))
    finally:
        app.state.con.close()
