"""Indicator pages, their JSON twins and the profile downloads, over the shipped snapshot."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from pophealth.indicators.load import load_shipped_fingertips
from pophealth.warehouse import connect
from pophealth.web.app import create_app
from pophealth.web.pages import route_registry

FIXTURE = Path(__file__).parents[1] / "fixtures" / "strategy_min"


def built_warehouse(folder: Path) -> Path:
    path = folder / "w.duckdb"
    con = connect(path)
    load_shipped_fingertips(con)
    con.close()
    return path


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return create_app(built_warehouse(tmp_path_factory.mktemp("w")), strategy_dir=FIXTURE)


@pytest.fixture(scope="module")
def client(app):
    return TestClient(app)


PAGES = ["/places", "/places/E06000016", "/places/E10000018", "/places/E07000130", "/indicators/90366",
         "/indicators/92033", "/pledges/1/places", "/pledges/2/places"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_a_json_twin(client, path):
    html = client.get(path)
    assert html.status_code == 200, html.text[:300]
    data = client.get("/api" + path).json()
    assert data["title"] and data["title"] in html.text.replace("&amp;", "&")
    assert "svg" not in data and "spine_svg" not in data  # charts are HTML only; JSON carries the numbers


def test_leicester_profile_json_has_the_figure3_columns(client):
    data = client.get("/api/places/E06000016").json()
    row = next(r for r in data["profile"]["rows"] if r["indicator_id"] == 93721 and r["sex"] == "Persons")
    assert {"indicator", "period", "value", "unit", "rag", "england_value"} <= set(row)
    assert row["rag"] == "worse" and row["rag_basis"] == "published"
    assert data["published_only"] is False  # the suicide rows carry limits and are computed


def test_profile_page_marks_published_comparisons_and_has_an_accessible_spine(client):
    page = client.get("/places/E06000016").text
    assert 'id="published-note"' in page and "Comparison as published by Fingertips" in page
    start = page.index("<svg", page.index("ph-figure"))
    svg = ET.fromstring(page[start:page.index("</svg>", start) + 6])
    assert svg.get("role") == "img" and svg.find("{http://www.w3.org/2000/svg}desc").text.startswith("Each row")


def test_county_without_values_says_so(client):
    data = client.get("/api/places/E10000018").json()
    assert all(r["indicator_id"] in {41001, 91390, 91393, 91404, 91430} for r in data["profile"]["rows"])


def test_csv_download_matches_the_json(client):
    response = client.get("/places/E06000016.csv")
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="E06000016_profile.csv"' in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    data = client.get("/api/places/E06000016").json()["profile"]["rows"]
    assert len(rows) == len(data)
    assert [float(r["Value"]) if r["Value"] else None for r in rows] == [r["value"] for r in data]


def test_xlsx_download_opens_with_the_profile(client):
    response = client.get("/places/E06000016.xlsx")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Profile", "About"]
    ws = wb["Profile"]
    assert ws["A1"].value == "Indicator ID" and ws.max_row - 1 == len(client.get("/api/places/E06000016").json()
                                                                       ["profile"]["rows"])
    assert "Open Government Licence" in " ".join(str(c.value) for row in wb["About"].iter_rows() for c in row)


def test_indicator_page_for_another_area_and_its_errors(client):
    data = client.get("/api/indicators/41001?area=E06000016").json()
    (trend,) = data["trends"]
    assert trend["trend"]["points"][0]["lower_ci95"] == pytest.approx(9.8442508387858)
    assert client.get("/indicators/90366?area=E09000001").status_code == 404
    assert client.get("/api/indicators/1").status_code == 404


@pytest.mark.parametrize("path", ["/places/E09000001", "/places/E09000001.xlsx", "/pledges/9/places"])
def test_unknown_things_are_404(client, path):
    assert client.get(path).status_code == 404


def test_every_indicator_route_declares_a_role(app):
    declared = {r.path: r.role for r in route_registry(app)}
    for path in ("/places", "/places/{area_code}", "/places/{area_code}.xlsx", "/places/{area_code}.csv",
                 "/indicators/{indicator_id:int}", "/pledges/{number:int}/places"):
        assert declared[path] == "public"
