"""End-to-end: an action lead logs a risk in a real browser, the tracker turns red, closing it reverts; axe clean."""

from __future__ import annotations

import pytest

from pophealth.delivery.actions import edit_action, get_action
from pophealth.warehouse import connect
from pophealth.web.app import create_app
from tests.auth_support import browser_sign_in
from tests.browser_support import axe_violations, live_server
from tests.delivery_support import build_demo_tracker

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    db = tmp_path_factory.mktemp("risks") / "w.duckdb"
    con = connect(db)
    build_demo_tracker(con)
    edit_action(con, "L2.1", get_action(con, "L2.1").version, {"leads": "Risk Lead"}, "test")
    con.close()
    app = create_app(db)
    app.state.cache.recheck_seconds = 3600
    with live_server(app) as url:
        yield url, app


def _risk_cell(page) -> str:
    row = page.locator("table tr", has=page.locator("a[href='/delivery/actions/L2.1']"))
    return row.locator("td").nth(5).inner_text()


def test_log_a_risk_see_the_tracker_turn_red_then_close_it(page, base_url):
    base_url, app = base_url
    browser_sign_in(page, base_url, app, "action_lead", username="risk_lead")
    page.goto(base_url + "/delivery/actions/L2.1")
    page.click("text=Add a risk or issue")
    page.wait_for_url("**/delivery/actions/L2.1/risks/new")
    assert axe_violations(page) == []
    page.click("main button[type=submit]")  # nothing filled in: the error summary appears
    page.wait_for_load_state()
    assert page.locator(".nhsuk-error-summary").is_visible()
    assert axe_violations(page) == []
    page.fill("#title", "Funding not confirmed beyond March")
    page.fill("#owner", "Finance lead")
    page.select_option("#likelihood", "4")
    page.select_option("#impact", "5")
    page.fill("#review_date", "2024-10-01")
    page.click("main button[type=submit]")
    page.wait_for_url("**/delivery/actions/L2.1?risk=added*")
    assert "from the risk log (score 20)" in page.locator("dl.nhsuk-summary-list").inner_text()
    assert axe_violations(page) == []
    page.goto(base_url + "/delivery?lead=Risk+Lead")
    assert _risk_cell(page).split() == ["Red", "from", "the", "risk", "log", "(score", "20)"]
    assert axe_violations(page) == []
    page.goto(base_url + "/delivery/risks")
    assert "Funding not confirmed" in page.locator("main table").inner_text()
    assert axe_violations(page) == []
    page.click("main table a[href^='/delivery/risks/']")
    page.wait_for_load_state()
    assert axe_violations(page) == []
    page.click("text=Close this risk")
    page.wait_for_url("**/delivery/actions/L2.1?risk=closed*")
    summary = page.locator("dl.nhsuk-summary-list").inner_text()
    assert "as updated" in summary and "from the risk log" not in summary
    page.goto(base_url + "/delivery?lead=Risk+Lead")
    assert _risk_cell(page).split() == ["Amber", "as", "updated"]


def test_the_tracker_says_where_the_risk_rag_comes_from_and_passes_axe(page, base_url):
    base_url, app = base_url
    browser_sign_in(page, base_url, app, "analyst")
    page.goto(base_url + "/delivery?rag=Red")
    assert "as updated" in page.locator("main table").last.inner_text()
    assert axe_violations(page) == []
    page.goto(base_url + "/delivery/risks")
    assert axe_violations(page) == []
