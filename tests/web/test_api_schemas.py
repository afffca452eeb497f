"""Every /api twin of the demo validates against the schema the OpenAPI document gives for it, and no twin
holds markup (SVG or HTML): the twins are data an analyst can load into pandas or Power BI."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from pophealth.web.app import create_app
from pophealth.web.pages import route_registry
from tests.auth_support import signed_in_client
from tests.microsite.conftest import demo_warehouse
from tests.web.openapi_check import problems, response_schema

MARKUP = re.compile(r"<(svg|/?[a-z][a-z0-9]*(\s[^<>]*)?/?)>", re.I)
# Addresses no page of the demo links to, with an example each (the crawl finds the rest).
EXTRA = ["/api/measures/cancer-62-day/rebases", "/api/measures/cancer-62-day/narrative",
         "/api/indicators/own/emergency-admissions", "/api/admin/users/api_admin", "/api/delivery/actions/L2.1",
         "/api/delivery?organisation=jfp&sort=rag&page=2", "/api/delivery/highlight", "/api/leicester/themes/A",
         "/api/leicester/priorities/L1", "/api/leicester/priorities/L2", "/api/pledges/1/places", "/api/pledges/2/places",
         "/api/delivery/actions/L2.1/risks/new", "/api/delivery/risks/1", "/api/delivery/actions/L2.1/resources/new",
         "/api/delivery/resources/1", "/api/delivery/priorities/leicester:L2/resources/new",
         "/api/delivery/actions/L2.1/plan"]
# Twins over patient-level data: the demo used here holds none (no OMOP extract, no PHM run), so these
# answer 404 "nobody registered" and are validated by their own page tests on the synthetic population.
NEEDS_PATIENTS = {"/api/indicators/own/{event_slug}", "/api/care/people/{person_id}"}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from pophealth.delivery.resources import add_resource
    from pophealth.delivery.risks import add_risk
    from pophealth.warehouse import connect

    db = demo_warehouse(tmp_path_factory.mktemp("api") / "w.duckdb")
    con = connect(db)
    add_risk(con, kind="risk", title="Example risk for the schema check", owner="Test", likelihood=4, impact=5,
             action_ref="L2.1", who="test")  # so the risk page's twin has one to answer with
    add_resource(con, amount_gbp="1000", funding_source="Example for the schema check", financial_year_text="2024/25",
                 prevention=True, action_ref="L2.1", who="test")  # and the resource page's
    con.close()
    return create_app(db)


def _template(path: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$")


def _hrefs(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [h for v in value.values() for h in _hrefs(v)]
    if isinstance(value, list):
        return [h for v in value for h in _hrefs(v)]
    if isinstance(value, str) and value.startswith("/") and not value.startswith("//") and " " not in value:
        return [value]
    return []


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)] + [k for k in value if isinstance(k, str)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def test_every_api_response_validates_against_its_openapi_schema_and_holds_no_markup(app):
    document = app.openapi()
    paths = list(document["paths"])
    assert paths and all(response_schema(document, p) != {} for p in paths), "a twin without a schema"
    roles = {re.sub(r":[a-z]+\}", "}", r.path): r.role for r in route_registry(app)}
    clients = {"public": TestClient(app), "analyst": signed_in_client(app, "analyst", username="api_analyst"),
               "action_lead": signed_in_client(app, "action_lead", username="api_lead"),
               "admin": signed_in_client(app, "admin", username="api_admin"),
               "care_team": signed_in_client(app, "care_team", username="api_care", practice_code="C82001")}
    patterns = {p: _template(p) for p in paths}
    place = clients["public"].get("/api/places/E06000016").json()
    queue = [p for p in paths if "{" not in p] + EXTRA + [
        f"/api/indicators/{r['indicator_id']}" for r in place["profile"]["rows"][:3]]
    seen: set[str] = set()
    checked: dict[str, int] = {p: 0 for p in paths}
    failures: list[str] = []
    while queue:
        url = queue.pop(0)
        bare = url.split("?")[0].split("#")[0]
        if url in seen:
            continue
        seen.add(url)
        path = next((p for p, rx in patterns.items() if rx.match(bare)), None)
        if path is None or checked[path] >= 3:
            continue
        response = clients[roles.get(path, "public")].get(url)
        if response.status_code == 404:
            continue  # a link to something the demo has no data for is tried with another example
        assert response.status_code == 200, (url, response.status_code, response.text[:200])
        body = response.json()
        checked[path] += 1
        failures += [f"{url}: {p}" for p in problems(body, response_schema(document, path), document)][:5]
        failures += [f"{url}: markup {s[:80]!r}" for s in _strings(body) if MARKUP.search(s)][:3]
        assert body.get("api_href") == bare and body.get("html_href") == bare.removeprefix("/api") or (
            bare == "/api" and body.get("html_href") == "/"), (url, body.get("api_href"), body.get("html_href"))
        queue += ["/api" + h if not h.startswith("/api") else h for h in _hrefs(body)
                  if not h.startswith(("/assets", "/static", "/login", "/logout"))]
    assert failures == []
    unchecked = [p for p, n in checked.items() if n == 0 and p not in NEEDS_PATIENTS]
    assert unchecked == [], " ".join(unchecked)  # every /api route was answered and checked


def test_the_measure_twin_is_typed_data(app):
    body = TestClient(app).get("/api/measures/cancer-62-day").json()
    measure = body["measure"] if "measure" in body else body
    assert isinstance(measure["latest_value"], (int, float))
    assert all(isinstance(c["value"], (int, float)) or c["value"] is None for c in measure["compare"])
    assert not any(k.endswith("_svg") for k in measure)


def test_openapi_document_lists_every_api_route(app):
    document = app.openapi()
    api_routes = {re.sub(r":[a-z]+\}", "}", r.path) for r in route_registry(app)
                  if r.path.startswith("/api") and r.path not in ("/api/openapi.json", "/api/docs")}
    assert api_routes <= set(document["paths"])  # every registered twin is documented
