"""WCAG 2.2 reflow in a real browser: at 320 px and 1280 px no content overflows the page except inside
its own scrollable region, on the tracker, an action (with a long evidence link), a measure and a place
page; axe-core finds no violations at either width."""

from __future__ import annotations

import pytest

from pophealth.delivery.actions import get_action
from pophealth.delivery.updates import record_update
from pophealth.warehouse import connect
from pophealth.web.app import create_app
from tests.auth_support import browser_sign_in
from tests.browser_support import axe_violations, horizontal_overflow, live_server
from tests.microsite.conftest import demo_warehouse

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LONG_URL = "https://example.org/evidence/" + "a-very-long-path-segment-without-spaces-" * 8 + "report.pdf"
PAGES = ["/delivery", "/delivery?organisation=jfp&sort=rag&page=2", "/delivery/actions/L2.1",
         "/delivery/highlight", "/measures/cancer-62-day", "/places/E06000016", "/places", "/insight",
         "/insight/gaps", "/insight/priorities/focus/access-to-services"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = demo_warehouse(tmp_path_factory.mktemp("reflow") / "w.duckdb")
    con = connect(db)
    record_update(con, "L2.1", get_action(con, "L2.1").version, stage="Delivery", overall_rag="Green",
                  risk_rag="Green", trajectory_rag="Green", editor="Example lead (test data)",
                  narrative="EXAMPLE UPDATE for a test: a long evidence link must not widen the page.",
                  evidence=LONG_URL)
    con.close()
    app = create_app(db)
    with live_server(app) as url:
        yield url, app


@pytest.mark.parametrize("width", [320, 1280])
def test_pages_reflow_and_pass_axe(browser, server, width):
    base_url, app = server
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        browser_sign_in(page, base_url, app, "analyst", username=f"reflow_{width}")
        for path in PAGES:
            page.goto(base_url + path)
            assert page.locator("h1").count() == 1, path
            found = horizontal_overflow(page)
            assert found["offenders"] == [] and found["page_width"] <= found["viewport"], (path, width, found)
            assert axe_violations(page) == [], (path, width)
        page.goto(base_url + "/delivery/actions/L2.1")
        assert LONG_URL in page.locator("main").inner_text()
    finally:
        context.close()
