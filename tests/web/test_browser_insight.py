"""End-to-end: the staff insight pages and the entry form in a real browser, checked by axe-core."""

from __future__ import annotations

import pytest

from pophealth.insight.seeds import load_seed_insights
from pophealth.strategy import load_strategy
from pophealth.warehouse import connect
from pophealth.web.app import create_app
from tests.auth_support import browser_sign_in
from tests.browser_support import axe_violations, live_server

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    db = tmp_path_factory.mktemp("insight-web") / "w.duckdb"
    con = connect(db)
    load_seed_insights(con, load_strategy())
    con.close()
    app = create_app(db)
    with live_server(app) as url:
        yield app, url


@pytest.mark.parametrize("path", ["/insight", "/insight/gaps", "/insight/priorities/focus/access-to-services",
                                  "/rutland", "/enablers", "/enablers/workforce",
                                  "/focuses/access-to-services"])
def test_staff_insight_pages_pass_axe(page, served, path):
    app, url = served
    browser_sign_in(page, url, app, "analyst")
    page.goto(url + path)
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []


def test_the_entry_form_and_its_errors_pass_axe(page, served):
    app, url = served
    browser_sign_in(page, url, app, "action_lead", username="form_lead")
    page.goto(url + "/insight/new")
    assert axe_violations(page) == []
    page.fill("#id", "browser-test-1")
    page.fill("#people", "many")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".nhsuk-error-summary").count() == 1
    assert axe_violations(page) == []
    page.fill("#source", "Listening event")
    page.fill("#method", "Drop-in")
    page.fill("#people", "25")
    page.fill("#themes", "transport")
    page.fill("#summary", "Getting to appointments is hard")
    page.fill("#priorities", "rutland:rutland-equitable-access")
    page.click("main button[type=submit]")
    page.wait_for_url("**/insight?saved=browser-test-1")
    assert "Insight record browser-test-1 saved" in page.locator("main").inner_text()
