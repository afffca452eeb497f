"""End-to-end: the home page, a pledge and a delivery priority in a real browser, checked by axe-core."""

from __future__ import annotations

import pytest

from pophealth.web.app import create_app
from tests.browser_support import axe_violations, live_server

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    app = create_app(tmp_path_factory.mktemp("web") / "w.duckdb")
    with live_server(app) as url:
        yield url


def test_home_pledge_and_delivery_priority_pages(page, base_url):
    page.goto(base_url + "/")
    assert page.locator("h1").inner_text().strip()
    assert page.locator("a[href^='/pledges/']").count() == 13
    assert axe_violations(page) == []

    page.click("a[href='/pledges/8']")
    page.wait_for_url("**/pledges/8")
    assert page.locator("h1").inner_text().strip() == "Pledge 8"
    assert "waiting times for consultant-led hospital treatment" in page.locator("main").inner_text()
    assert axe_violations(page) == []

    link = page.locator("main a[href^='/delivery-priorities/']").first
    name = link.inner_text().strip()
    link.click()
    page.wait_for_url("**/delivery-priorities/*")
    assert page.locator("h1").inner_text().strip() == name
    assert page.locator("table tbody tr").count() > 0
    assert axe_violations(page) == []


def test_pages_work_without_javascript(browser, base_url):
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    pg.goto(base_url + "/delivery-priorities")
    assert pg.locator("table a").count() == 11
    pg.click("table a >> nth=2")
    pg.wait_for_url("**/delivery-priorities/*")  # waits for the new page's load event
    assert pg.locator("h1").count() == 1
    context.close()
