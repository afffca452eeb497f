"""Strategy pages and their JSON twins, on the small fixture strategy."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from pophealth.web.app import create_app
from pophealth.web.pages import route_registry

FIXTURE = Path(__file__).parents[1] / "fixtures" / "strategy_min"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    app = create_app(tmp_path_factory.mktemp("w") / "w.duckdb", strategy_dir=FIXTURE)
    return TestClient(app)


PAGES = ["/", "/pledges", "/pledges/1", "/delivery-priorities", "/delivery-priorities/keeping-people-well",
         "/focuses", "/focuses/improving-health-equity", "/jhws", "/jhws/healthy-pregnancy", "/leicester",
         "/leicester/themes/A", "/leicester/priorities/L1"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_a_json_twin(client, path):
    html = client.get(path)
    assert html.status_code == 200
    assert html.headers["content-type"].startswith("text/html")
    twin = "/api" + (path if path != "/" else "")
    assert f'href="{twin}"' in html.text
    data = client.get(twin).json()
    assert data["title"] and data["title"] in html.text.replace("&amp;", "&")


def test_pledge_json_links_its_delivery_priority(client):
    data = client.get("/api/pledges/1").json()
    assert data["delivery_priorities"] == [{"text": "Keeping People Well", "href": "/delivery-priorities/keeping-people-well", "hint": None}]
    assert data["next"]["href"] == "/pledges/2"


def test_interventions_show_their_timelines(client):
    page = client.get("/delivery-priorities/keeping-people-well").text
    assert "From 27/28" in page and "Primary Care" in page


def test_user_text_is_escaped(client):
    page = client.get("/pledges/1").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize("path", ["/pledges/99", "/delivery-priorities/nothing", "/leicester/themes/Z",
                                  "/leicester/priorities/L99", "/no-such-page"])
def test_unknown_pages_are_404_in_one_error_shape(client, path):
    assert client.get(path).status_code == 404
    api = client.get("/api" + path)
    assert api.status_code == 404
    assert set(api.json()["error"]) == {"status", "message"}


def test_every_route_declares_a_role(client):
    declared = {r.path for r in route_registry(client.app)}
    served = {r.path for r in client.app.routes if getattr(r, "include_in_schema", True) or r.path in declared}
    pages = {p for p in served if not p.startswith(("/assets", "/static", "/api/docs", "/api/openapi"))}
    assert pages <= declared
