"""End-to-end: signing in and out through the form in a real browser."""

from __future__ import annotations

import pytest

from pophealth.access.users import add_user
from pophealth.web.app import create_app
from tests.auth_support import PASSWORD, browser_sign_in
from tests.browser_support import axe_violations, live_server

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    app = create_app(tmp_path_factory.mktemp("web") / "w.duckdb")
    con = app.state.con.cursor()
    add_user(con, "ada", PASSWORD, "admin", display_name="Ada Admin")
    con.close()
    with live_server(app) as url:
        yield url, app


def test_sign_in_reach_admin_page_and_sign_out(page, served):
    base_url, _app = served
    page.goto(base_url + "/admin/audit")
    assert page.url.endswith("/login?next=/admin/audit")
    assert axe_violations(page) == []
    page.fill("#username", "ada")
    page.fill("#password", "wrong password")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".nhsuk-error-summary").is_visible()
    assert axe_violations(page) == []
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/audit")
    assert "Signed in as Ada Admin" in page.inner_text(".ph-account")
    assert axe_violations(page) == []
    page.click("text=Sign out")
    page.wait_for_url(base_url + "/")
    assert "Staff sign in" in page.inner_text(".ph-account")


def test_an_admin_adds_and_disables_an_account_in_the_browser(page, served):
    base_url, app = served
    browser_sign_in(page, base_url, app, "admin", "ada")
    page.click(".ph-account >> text=Accounts")
    page.wait_for_url("**/admin/users")
    assert axe_violations(page) == []
    page.fill("#username", "sam@nhs.net")
    page.fill("#display_name", "Sam Nurse")
    page.select_option("#role", "care_team")
    page.fill("#practice_code", "C82001")
    page.fill("#password", "a first long password")
    page.click("main form[action='/admin/users/new'] button[type=submit]")
    page.wait_for_url("**/admin/users/sam@nhs.net")
    assert "practice C82001" in page.locator("main").inner_text()
    assert axe_violations(page) == []
    page.click("main button:has-text('Disable the account')")
    page.wait_for_load_state()
    main = page.locator("main").inner_text()
    assert "disabled" in main and "Enable the account" in main
    assert axe_violations(page) == []
    page.goto(base_url + "/admin/users")
    page.fill("#username", "lee")
    page.fill("#display_name", "Lee Lead")
    page.select_option("#role", "action_lead")
    page.fill("#password", "a first long password")
    page.click("main form[action='/admin/users/new'] button[type=submit]")
    page.wait_for_url("**/admin/users/lee")
    page.select_option("#measure_id", "ae-four-hour")
    page.click("main button:has-text('Add as editor')")
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Remove as editor of").count() == 1
    assert axe_violations(page) == []


def test_the_account_bar_is_one_row_on_a_desktop_and_wraps_on_a_phone(page, served):
    """Its links, the signed-in line and the sign-out button sit on one line at 1280 px (each was a block of its
    own, stacked down the page, with sign out on the left); at 320 px they wrap without widening the page."""
    base_url, app = served
    page.set_viewport_size({"width": 1280, "height": 900})
    browser_sign_in(page, base_url, app, "admin", "ada")
    items = page.locator(".ph-account a, .ph-account span, .ph-account button")
    tops = [round(items.nth(i).bounding_box()["y"]) for i in range(items.count())]
    assert items.count() == 5 and max(tops) - min(tops) <= 6, tops
    boxes = [items.nth(i).bounding_box() for i in range(items.count())]
    assert all(a["x"] + a["width"] <= b["x"] for a, b in zip(boxes, boxes[1:])), boxes  # in reading order
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
