"""End-to-end: an action lead submits an update in a real browser and sees the status change."""

from __future__ import annotations

import pytest

from tests.delivery_support import build_demo_tracker
from pophealth.warehouse import connect
from pophealth.web.app import create_app
from tests.auth_support import browser_sign_in
from tests.browser_support import axe_violations, live_server

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    db = tmp_path_factory.mktemp("delivery") / "w.duckdb"
    con = connect(db)
    build_demo_tracker(con)
    con.close()
    app = create_app(db)
    with live_server(app) as url:
        yield url, app


def test_submit_update_and_see_status_change(page, base_url):
    base_url, app = base_url
    browser_sign_in(page, base_url, app, "action_lead", username="browser_lead")
    page.goto(base_url + "/delivery/actions/L2.4")
    assert axe_violations(page) == []
    page.click("main button[type=submit]")  # nothing chosen: the error summary appears
    page.wait_for_load_state()
    assert page.locator(".nhsuk-error-summary").is_visible()
    assert axe_violations(page) == []
    page.select_option("#stage", "Delivery")
    page.select_option("#overall_rag", "Green")
    page.select_option("#risk_rag", "Amber")
    page.select_option("#trajectory_rag", "Green")
    page.fill("#narrative", "Clinical model agreed")
    page.click("main button[type=submit]")
    page.wait_for_url("**/delivery/actions/L2.4?updated=1")
    summary = page.locator("dl.nhsuk-summary-list").inner_text()
    assert "New" in summary and "Green" in summary  # first rating of this action: status change "New"
    assert "Browser Lead" in page.locator("table").inner_text()


def test_tracker_and_highlight_pages_pass_axe(page, base_url):
    base_url, app = base_url
    browser_sign_in(page, base_url, app, "analyst")
    page.goto(base_url + "/delivery?rag=Red")
    assert page.locator("table a[href^='/delivery/actions/']").count() == 1
    assert axe_violations(page) == []
    page.goto(base_url + "/delivery/highlight")
    assert page.locator("h1").inner_text().startswith("Highlight report")
    assert axe_violations(page) == []
