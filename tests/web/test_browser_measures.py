"""End-to-end: pledge → progress → measure page in a real browser; the icons' text alternatives; axe-core."""

from __future__ import annotations

import pytest

from pophealth.web.app import create_app
from tests.browser_support import axe_violations, live_server
from tests.auth_support import browser_sign_in
from tests.measures_support import demo_measures_db, grant_editor

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    app = create_app(demo_measures_db(tmp_path_factory.mktemp("web")))
    with live_server(app) as url:
        yield url, app


def test_pledge_to_measure_page_with_icon_text_alternatives(page, server):
    base_url, _app = server
    page.goto(base_url + "/pledges/8")
    page.click("a[href='/pledges/8/measures']")
    page.wait_for_url("**/pledges/8/measures")
    assert axe_violations(page) == []
    page.click("a[href='/measures/cancer-62-day']")
    page.wait_for_url("**/measures/cancer-62-day")
    assert page.locator("h1").inner_text().strip() == "Cancer treatment within 62 days of referral"
    # the icons are images whose accessible names are their meanings (what a screen reader announces)
    titles = page.locator("svg.ph-spc-icon title").evaluate_all("els => els.map(e => e.textContent)")
    assert "The process will consistently fail the target" in titles
    assert any(t.startswith(("Common cause", "Special cause")) for t in titles)
    assert page.get_by_role("img", name="The process will consistently fail the target", exact=True).count() == 1
    chart = page.get_by_role("img", name="Cancer treatment within 62 days of referral: statistical process control chart")
    assert chart.count() == 1
    assert "Target 85%" in chart.locator("desc").text_content()
    assert page.get_by_role("heading", name="What is the key issue?").count() == 1
    assert axe_violations(page) == []


def test_narrative_form_works_without_javascript(browser, server):
    base_url, app = server
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    pg.goto(base_url + "/measures/ae-four-hour/narrative")
    assert pg.locator("text=Sign in as an action lead").count() == 1
    grant_editor(app, "uec_lead", "ae-four-hour")  # only the measure's editors see the form
    browser_sign_in(pg, base_url, app, "action_lead", "uec_lead")
    pg.goto(base_url + "/measures/ae-four-hour/narrative")
    pg.fill("#key_issue", "Ambulance arrivals up 8% on last winter")
    pg.fill("#mitigations", "Same day emergency care extended\nDischarge hub")
    pg.click("main form[action$='/narrative/new'] button[type=submit]")
    pg.wait_for_load_state()
    assert "Ambulance arrivals up 8% on last winter" in pg.locator("main").inner_text()
    pg.goto(base_url + "/measures/ae-four-hour")
    assert "Discharge hub" in pg.locator("main").inner_text()
    context.close()


def test_an_editor_rebases_a_chart_in_the_browser(page, server):
    base_url, app = server
    grant_editor(app, "cwt_lead", "cancer-28-day-fds")
    browser_sign_in(page, base_url, app, "action_lead", "cwt_lead")
    page.goto(base_url + "/measures/cancer-28-day-fds/rebases")
    assert axe_violations(page) == []
    page.select_option("#point_date", label="2023-08")
    page.fill("#note", "Faster diagnosis standard pathway went live")
    page.click("main form[action$='/rebases/new'] button[type=submit]")
    page.wait_for_load_state()
    page.get_by_label("Approve").check()
    page.get_by_label("Why (what changed in the process, or why it did not)").fill("Pathway live in all trusts")
    page.click("main form button:has-text('Record the decision')")
    page.wait_for_load_state()
    assert "In effect" in page.locator("main").inner_text()
    assert axe_violations(page) == []  # the withdraw form now shown
    page.goto(base_url + "/measures/cancer-28-day-fds")
    caption = page.locator("figure.ph-chart figcaption").inner_text()
    assert "Limits recalculated from 2023-08: Pathway live in all trusts" in caption
