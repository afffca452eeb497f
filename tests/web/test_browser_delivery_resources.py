"""End-to-end: an action lead adds a resource in a real browser (errors first), changes it, removes it; axe clean."""

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
    db = tmp_path_factory.mktemp("resources") / "w.duckdb"
    con = connect(db)
    build_demo_tracker(con)
    edit_action(con, "L2.1", get_action(con, "L2.1").version, {"leads": "Money Lead"}, "test")
    con.close()
    app = create_app(db)
    app.state.cache.recheck_seconds = 3600
    with live_server(app) as url:
        yield url, app


def _summary(page) -> str:
    return page.locator("dl.nhsuk-summary-list").inner_text()


def test_add_a_resource_with_errors_first_then_change_and_remove_it(page, base_url):
    base_url, app = base_url
    browser_sign_in(page, base_url, app, "action_lead", username="money_lead")
    page.goto(base_url + "/delivery/actions/L2.1")
    page.click("text=Add a resource")
    page.wait_for_url("**/delivery/actions/L2.1/resources/new")
    assert axe_violations(page) == []  # the empty form
    page.click("main button[type=submit]")  # nothing filled in
    page.wait_for_load_state()
    summary = page.locator(".nhsuk-error-summary")
    assert summary.is_visible() and "Enter the amount in pounds" in summary.inner_text()
    assert axe_violations(page) == []
    page.fill("#amount_gbp", "-100")
    page.fill("#funding_source", "ICB prevention fund")
    page.fill("#financial_year", "2024/26")
    page.select_option("#prevention", "yes")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    errors = page.locator(".nhsuk-error-summary").inner_text()
    assert "0 or more" in errors and "like 2024/25" in errors
    assert page.locator("#amount_gbp-error").is_visible() and page.locator("#financial_year-error").is_visible()
    assert page.input_value("#funding_source") == "ICB prevention fund"  # what was typed is kept
    assert axe_violations(page) == []
    page.fill("#amount_gbp", "£125,000.50")
    page.fill("#financial_year", "2024/25")
    page.click("main button[type=submit]")
    page.wait_for_url("**/delivery/actions/L2.1?resource=added*")
    assert "£125,000.50 recorded, of which £125,000.50 prevention spend" in _summary(page)
    assert axe_violations(page) == []

    page.click("#resources table a[href^='/delivery/resources/']")
    page.wait_for_load_state()
    assert axe_violations(page) == []  # the edit form with its history
    page.fill("#amount_gbp", "90000")
    page.select_option("#prevention", "no")
    page.click("text=Save changes")
    page.wait_for_url("**/delivery/actions/L2.1?resource=saved*")
    assert "£90,000.00 recorded, of which £0.00 prevention spend" in _summary(page)
    page.click("#resources table a[href^='/delivery/resources/']")
    page.wait_for_load_state()
    history = page.locator("main table").last.inner_text()
    assert "£125,000.50" in history and "£90,000.00" in history and "Money Lead" in history
    page.click("text=Remove this resource")
    page.wait_for_url("**/delivery/actions/L2.1?resource=removed*")
    assert "recorded, of which" not in _summary(page)  # removed: no longer counted
    assert page.locator("#resources table").count() == 0
    assert axe_violations(page) == []


def test_an_analyst_sees_no_form_and_the_page_passes_axe(page, base_url):
    base_url, app = base_url
    browser_sign_in(page, base_url, app, "analyst")
    page.goto(base_url + "/delivery/actions/L2.1/resources/new")
    assert "Only the action's lead or an administrator" in page.locator("main").inner_text()
    assert page.locator("main form").count() == 0
    assert axe_violations(page) == []
