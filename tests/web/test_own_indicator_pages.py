"""The own-data emergency admissions page, its JSON twin and the CLI, on a small synthetic warehouse."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from pophealth.cli import main
from pophealth.geography.load import load_geography
from pophealth.synth.generate import generate
from pophealth.warehouse import connect
from pophealth.web.app import create_app
from tests.auth_support import signed_in_client

FIXTURE = Path(__file__).parents[1] / "fixtures" / "strategy_min"
PAGE = "/indicators/own/emergency-admissions"


@pytest.fixture(scope="session")
def synth_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("own") / "w.duckdb"
    con = connect(path)
    load_geography(con)
    con.close()
    generate(path, 3000, 11)
    return path


@pytest.fixture(scope="module")
def app(synth_db):
    return create_app(synth_db, strategy_dir=FIXTURE)


@pytest.fixture(scope="module")
def analyst(app):
    return signed_in_client(app, "analyst")


def test_page_needs_a_signed_in_analyst_or_above(app):
    anonymous = TestClient(app)
    assert anonymous.get(PAGE, follow_redirects=False).status_code in (303, 401)
    assert anonymous.get("/api" + PAGE, follow_redirects=False).status_code in (303, 401)
    assert signed_in_client(app, "action_lead").get(PAGE, follow_redirects=False).status_code == 200


def test_pcn_page_has_chart_table_and_protected_json(analyst):
    html = analyst.get(PAGE + "?by=pcn&year=2025")
    assert html.status_code == 200, html.text[:300]
    start = html.text.index('<svg xmlns="http://www.w3.org/2000/svg" viewBox', html.text.index("<main"))
    svg = html.text[start:html.text.index("</svg>", start) + 6]
    root = ET.fromstring(svg)
    assert root.find("{http://www.w3.org/2000/svg}title").text.startswith("Emergency admissions by primary care")
    data = analyst.get("/api" + PAGE + "?by=pcn&year=2025").json()
    assert "chart_svg" not in data and data["level"] == "pcn" and len(data["rows"]) >= 5
    for row in data["rows"] + [data["total"]]:
        assert row["events"] is None or (row["events"] % 5 == 0 and row["events"] not in range(1, 8))
        if row["events"] is None:
            assert row["value"] is None and row["compared95"] == "Suppressed"
        assert row["area_name"] in html.text.replace("&amp;", "&")
    values = [r["value"] for r in data["rows"] if r["value"] is not None]
    assert values == sorted(values)  # ranked, as the caterpillar draws them
    assert data["total"]["compared95"] == "Comparator" and data["total"]["value"] > 0


@pytest.mark.parametrize("by", ["practice", "district", "place", "imd-decile", "ethnic-group"])
def test_every_area_level_answers(analyst, by):
    data = analyst.get("/api" + PAGE, params={"by": by}).json()
    assert data["level"] == by and data["rows"]


def test_unknown_level_or_bad_year_is_a_clear_error(analyst):
    assert analyst.get("/api" + PAGE + "?by=ward").status_code == 404
    bad = analyst.get("/api" + PAGE + "?year=twenty")
    assert bad.status_code == 400 and "year" in bad.json()["error"]["message"]


def test_cli_writes_the_same_protected_table(analyst, synth_db, tmp_path):
    out = tmp_path / "own.csv"
    main(["indicators", "own", "emergency-admissions", "--by", "pcn", "--year", "2025", "--db", str(synth_db),
          "--out", str(out)])
    written = pd.read_csv(out, dtype={"area_code": str})
    page = analyst.get("/api" + PAGE + "?by=pcn&year=2025").json()
    by_code = {r["area_code"]: r for r in page["rows"] + [page["total"]]}
    assert set(written["area_code"]) == set(by_code)
    for r in written.itertuples(index=False):
        expected = by_code[r.area_code]["events"]
        assert (pd.isna(r.events_count) and expected is None) or r.events_count == expected


def _pcn_of_practice(synth_db) -> dict[str, str]:
    con = connect(synth_db)
    try:
        pairs = con.execute("SELECT DISTINCT coalesce(practice_code, 'Not recorded'), coalesce(pcn_code, 'Not recorded') "
                            "FROM person_geography").fetchall()
    finally:
        con.close()
    return dict(pairs)


def test_practice_and_pcn_pages_cannot_be_differenced(analyst, synth_db):
    """The attack of issue 15: a PCN's published count minus its practices' published counts, where exactly one
    practice is suppressed, gave that practice's count back (C82009 in this warehouse: 5, exactly)."""
    parents = _pcn_of_practice(synth_db)
    practices = analyst.get("/api" + PAGE + "?by=practice&year=2025").json()
    pcns = analyst.get("/api" + PAGE + "?by=pcn&year=2025").json()
    shown = {r["area_code"]: r["events"] for r in practices["rows"]}
    assert set(shown) == set(parents)
    for pcn in pcns["rows"]:
        if pcn["events"] is not None:
            hidden = [p for p, parent in parents.items() if parent == pcn["area_code"] and shown[p] is None]
            assert len(hidden) != 1, f"{pcn['area_code']} minus its published practices gives {hidden[0]} back"
    if pcns["total"]["events"] is not None:
        assert sum(r["events"] is None for r in pcns["rows"]) != 1
        assert sum(v is None for v in shown.values()) != 1


@pytest.mark.parametrize("by", ["practice", "pcn", "district", "place", "imd-decile", "ethnic-group"])
def test_limits_give_back_only_the_published_count(analyst, by):
    """The other attack: (value - lower) / (upper - value) of Dobson limits depends on the count alone, so it
    gave the exact count behind every rounded one; now it gives the published count."""
    from pophealth.stats.intervals import byars_lower, byars_upper

    data = analyst.get("/api" + PAGE + f"?by={by}&year=2025").json()
    k = np.arange(10, 20000, dtype=float)
    ratios = (k - byars_lower(k, 0.95)) / (byars_upper(k, 0.95) - k)
    rated = [r for r in data["rows"] + [data["total"]] if r["value"] is not None]
    assert rated, "no row with a rate: the attack would not be tested"
    for r in rated:
        seen = (r["value"] - r["lower95"]) / (r["upper95"] - r["value"])
        assert k[np.argmin(np.abs(ratios - seen))] == r["events"], r
