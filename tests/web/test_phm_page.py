"""The PHM summary page: analysts only, aggregates only, small counts suppressed, works with no run."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from pophealth.web.app import create_app
from tests.auth_support import signed_in_client
from tests.phm.test_run import synth_db  # noqa: F401  (a 3,000-person synthetic warehouse with a PHM run)
from tests.web.test_indicator_pages import FIXTURE


@pytest.fixture(scope="module")
def app(synth_db):  # noqa: F811
    return create_app(synth_db, strategy_dir=FIXTURE)


@pytest.mark.slow
def test_page_needs_an_analyst(app):
    assert TestClient(app).get("/api/phm", follow_redirects=False).status_code in (302, 303, 401, 403)
    from pophealth.web.pages import route_registry

    roles = {r.path: r.role for r in route_registry(app) if r.path in ("/phm", "/api/phm")}
    assert roles == {"/phm": "analyst", "/api/phm": "analyst"}


@pytest.mark.slow
def test_json_twin_has_published_figures_only(app):
    body = signed_in_client(app, "analyst").get("/api/phm").json()
    assert body["run_id"] and body["index_date"]
    assert {f["measure"] for f in body["headline"]} >= {"people", "ltc_5plus", "ltc_8plus", "efi_severe"}
    assert len(body["segments"]) == 8
    counts = [f[k] for group in ("headline", "segments", "cohorts", "care_gaps") for f in body[group]
              for k in ("numerator", "denominator") if f[k] is not None]
    counts += [f[k] for row in body["places"] for f in row["figures"] for k in ("numerator", "denominator")
               if f[k] is not None]
    assert all(c == 0 or (c > 7 and c % 5 == 0) for c in counts)
    assert "person_id" not in str(body)


@pytest.mark.slow
def test_html_has_an_accessible_chart_and_tables(app):
    html = signed_in_client(app, "analyst").get("/phm").text
    assert re.search(r'<svg[^>]+role="img"', html) and "<title id=\"phm-segments-title\">" in html
    assert "<desc" in html and "People by segment" in html and "By place" in html


def test_page_without_a_run_says_so(tmp_path):
    app = create_app(tmp_path / "empty.duckdb", strategy_dir=FIXTURE)
    body = signed_in_client(app, "analyst").get("/api/phm").json()
    assert body["run_id"] is None and "No PHM run" in body["source"]
