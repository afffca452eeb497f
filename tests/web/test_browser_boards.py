"""End-to-end in a real browser: the boards, organisations, levels and delivery-plan field pages pass axe,
an admin adds a meeting and sets a level, and an action lead edits the seed 003 fields."""

from __future__ import annotations

import pytest

from pophealth.boards.store import load_shipped
from pophealth.warehouse import connect
from pophealth.web.app import create_app
from tests.auth_support import browser_sign_in
from tests.browser_support import axe_violations, live_server
from tests.delivery_support import build_demo_tracker

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    db = tmp_path_factory.mktemp("boards") / "w.duckdb"
    con = connect(db)
    build_demo_tracker(con)
    load_shipped(con)
    con.close()
    app = create_app(db)
    app.state.cache.recheck_seconds = 0
    with live_server(app) as url:
        yield url, app


def test_admin_pages_pass_axe_and_add_a_meeting_and_a_level(page, base_url):
    base_url, app = base_url
    browser_sign_in(page, base_url, app, "admin", username="browser_admin")
    page.goto(base_url + "/boards")
    assert page.locator("h1").inner_text() == "Boards"
    assert axe_violations(page) == []
    page.click("text=Leicestershire Health and Wellbeing Board")
    page.wait_for_url("**/boards/leicestershire-hwb")
    assert axe_violations(page) == []
    page.fill("#meeting_date", "2025-03-27")
    page.check("#demo")
    page.click("form[action$='/meetings'] button[type=submit]")
    page.wait_for_url("**/boards/leicestershire-hwb")
    assert "27 March 2025" in page.locator("table").first.inner_text()
    assert axe_violations(page) == []
    for path in ("/organisations", "/people/cllr-louise-richardson"):
        page.goto(base_url + path)
        assert axe_violations(page) == [], path
    page.goto(base_url + "/levels")
    assert axe_violations(page) == []
    page.select_option("#priority_id", "jhws:school-readiness")
    page.select_option("#level", "do")
    page.select_option("#board_id", "leicestershire-hwb")
    page.select_option("#officer_person_id", "cllr-louise-richardson")
    page.fill("#decided_on", "2025-03-27")
    page.fill("#reason", "Agreed at the March meeting")
    page.click("form[action='/admin/levels'] button[type=submit]")
    page.wait_for_url("**/levels")
    assert "Agreed at the March meeting" in page.locator("main").inner_text()
    assert "Three-year review gateway" in page.locator("main").inner_text()
    assert axe_violations(page) == []


def test_analyst_reads_without_forms(page, base_url):
    base_url, app = base_url
    browser_sign_in(page, base_url, app, "analyst", username="browser_analyst")
    page.goto(base_url + "/boards/icb-board")
    assert page.locator("form[action^='/admin']").count() == 0
    assert axe_violations(page) == []


def test_lead_edits_the_delivery_plan_fields(page, base_url):
    base_url, app = base_url
    browser_sign_in(page, base_url, app, "action_lead", username="browser_plan_lead")
    page.goto(base_url + "/delivery/actions/L2.2")
    page.click("text=Edit the delivery plan fields")
    page.wait_for_url("**/delivery/actions/L2.2/plan")
    assert axe_violations(page) == []
    page.select_option("#equity", "Y")
    page.fill("#leads", "Browser Plan Lead")
    page.fill("#engagement", "Community wellbeing champions")
    page.fill("#timescale", "24/25 & 25/26")
    page.click("main button[type=submit]")
    page.wait_for_url("**/delivery/actions/L2.2/plan?saved=1")
    history = page.locator("table").inner_text()
    assert "Browser Plan Lead" in history and "Planned Engagement" in history
    assert axe_violations(page) == []
    page.fill("#we_will", "")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert page.locator(".nhsuk-error-summary").is_visible()
    assert axe_violations(page) == []
