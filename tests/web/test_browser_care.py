"""End-to-end: a care-team user of one practice works a worklist and opens a person; the admin sees the reads."""

from __future__ import annotations

import pytest

from pophealth.web.app import create_app
from tests.auth_support import browser_sign_in
from tests.browser_support import axe_violations, live_server

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture(scope="module")
def served(care_warehouse):
    app = create_app(care_warehouse, strategy_dir="tests/fixtures/strategy_min")
    con = app.state.con.cursor()
    practice = con.execute("SELECT practice_code FROM person_geography GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1").fetchone()[0]
    con.close()
    with live_server(app) as url:
        yield app, url, practice


def test_care_team_worklist_and_person_summary(page, served):
    app, url, practice = served
    browser_sign_in(page, url, app, "care_team", "browser_care", practice_code=practice)
    page.goto(url + "/")
    page.click(".ph-account a:text('My worklists')")
    page.wait_for_url("**/care")
    assert f"practice:{practice}" in page.inner_text("main")
    assert axe_violations(page) == []
    page.click("main a[href='/care/worklists/care-gaps']")
    page.wait_for_url("**/care/worklists/care-gaps")
    cells = page.locator("main table tbody tr td:nth-child(4)").all_inner_texts()
    assert cells and {c.split()[-1] for c in cells} == {practice}
    assert axe_violations(page) == []
    page.fill("#min_age", "65")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    page.wait_for_url("**min_age=65**")
    assert axe_violations(page) == []
    first = page.locator("main table tbody tr td:first-child a").first
    shown_id = first.inner_text()
    first.click()
    page.wait_for_url("**/care/people/*")
    assert shown_id in page.inner_text("main h1")
    for heading in ("Conditions", "Medicines issued in the last 12 months", "Recent contacts", "Frailty", "Risk",
                    "Care gaps", "Care plans and registers"):
        assert page.locator("main h2", has_text=heading).count() == 1, heading
    assert axe_violations(page) == []

    page.context.clear_cookies()
    browser_sign_in(page, url, app, "admin", "browser_admin")
    page.goto(url + "/admin/audit")
    audit = page.inner_text("main table")
    assert "browser_care" in audit and "/care/worklists/care-gaps" in audit and "/care/people/" in audit
    assert axe_violations(page) == []
