"""The own-data emergency admissions page, its JSON twin and the CLI, on a small synthetic warehouse."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

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
