"""End-to-end: a care-team user of one practice works a worklist and opens a person; the admin sees the reads."""

from __future__ import annotations

import shutil

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
    assert f"({practice})" in page.inner_text("main")
    assert axe_violations(page) == []
    page.click("main a[href='/care/worklists/care-gaps']")
    page.wait_for_url("**/care/worklists/care-gaps")
    cells = page.locator("main table tbody tr td:nth-child(6)").all_inner_texts()
    assert cells and {c.split()[-1] for c in cells} == {practice}
    assert axe_violations(page) == []
    # an age box sized for an age (nhsuk-input--width-4, 9ex), not stretched across the column
    assert page.locator("#min_age").bounding_box()["width"] < page.locator("main").bounding_box()["width"] / 3
    # the table, outcome form included, fits a 1280 px desktop without scrolling sideways
    page.set_viewport_size({"width": 1280, "height": 800})
    table, main = page.locator("main table").bounding_box(), page.locator("main").bounding_box()
    assert table["x"] + table["width"] <= main["x"] + main["width"] + 4, (table, main)
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
    page.click("main a[href='/admin/audit/search']")
    page.fill("#user", "browser_care")
    page.fill("#route", "/care/people")
    page.click("main button[type=submit]")
    page.wait_for_url("**user=browser_care**")
    found = page.inner_text("main table")
    assert "browser_care" in found and "/care/people/" in found and "/care/worklists" not in found
    assert axe_violations(page) == []


# A SNOMED CT or dm+d code shown bare (6-18 digits), or a Read v2 code with its trailing dots ("G30..").
CODE_ONLY = r"^(\d{6,18}|[A-Z0-9][A-Za-z0-9]{1,4}\.+)$"
UNNAMED = """(pattern) => {
  const code = new RegExp(pattern);
  const bad = [];
  for (const cell of document.querySelectorAll('main td, main dd, main li')) {
    const text = cell.innerText.trim();
    if (!code.test(text) || /^\\d{4}-\\d{2}-\\d{2}$/.test(text)) continue;
    const row = cell.closest('tr');
    const named = row && [...row.querySelectorAll('td')].some(c => c !== cell && /[A-Za-z]{3}/.test(c.innerText));
    if (!named) bad.push(text);
  }
  if (document.querySelector('main').innerText.includes("Name not in pophealth's table")) bad.push('unnamed medicine');
  return bad;
}"""


def test_no_code_without_its_name_on_50_person_summaries(page, served):
    app, url, practice = served
    con = app.state.con.cursor()
    try:  # in the PCN with the most people issued medicines, the 50 with the most distinct medicines: the hardest
        # summaries to name
        pcn = con.execute("""SELECT g.pcn_code FROM person_geography g JOIN drug_exposure d USING (person_id)
                             GROUP BY 1 ORDER BY count(DISTINCT g.person_id) DESC, 1 LIMIT 1""").fetchone()[0]
        people = [r[0] for r in con.execute("""
            SELECT g.person_id FROM person_geography g JOIN drug_exposure d USING (person_id)
            WHERE g.pcn_code = ? GROUP BY 1 ORDER BY count(DISTINCT d.drug_source_value) DESC, 1 LIMIT 50""",
            [pcn]).fetchall()]
    finally:
        con.close()
    assert len(people) == 50
    browser_sign_in(page, url, app, "care_team", "browser_care_names", pcn_code=pcn)
    medicines_seen = 0
    for person in people:
        page.goto(f"{url}/care/people/{person}")
        assert page.locator("main h1").inner_text().startswith("Person summary:"), person
        assert page.evaluate(UNNAMED, CODE_ONLY) == [], person
        medicines_seen += page.locator("main table:has(caption:text('Medicines issued')) tbody tr").count()
    assert medicines_seen > 50  # the check saw medicines to name
    assert axe_violations(page) == []


def test_recording_an_outcome_in_the_browser(page, served):
    app, url, practice = served
    browser_sign_in(page, url, app, "care_team", "browser_care_outcome", practice_code=practice)
    page.goto(url + "/care/worklists/care-gaps?sort=age")
    first = page.locator("main table tbody tr").first
    name = first.locator("td").first.inner_text()
    first.locator("select").select_option("booked")
    first.locator("button").click()
    page.wait_for_url("**recorded=1**")
    assert "Outcome recorded." in page.inner_text("main")
    row = page.locator("main table tbody tr", has_text=name).first
    assert "Booked by browser_care_outcome" in row.inner_text()
    assert axe_violations(page) == []


def test_risk_lists_and_a_listed_persons_factors_in_the_browser(page, served):
    """The admission-risk and last-year-of-life lists, and the summary of someone on the latter: scored at the
    run's index date, the model's factors in plain words, and no accessibility violations."""
    app, url, _ = served
    con = app.state.con.cursor()
    try:
        index_date = con.execute("SELECT index_date FROM phm_run ORDER BY finished_at DESC LIMIT 1").fetchall()[0][0]
        pcn = con.execute("SELECT pcn_code FROM phm_eol_current GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
                          ).fetchall()[0][0]
    finally:
        con.close()
    browser_sign_in(page, url, app, "care_team", "browser_care_risk", pcn_code=pcn)
    for name in ("admission-risk", "last-year-of-life"):
        page.goto(f"{url}/care/worklists/{name}")
        assert f"Risk scored at {index_date}" in page.inner_text("main")
        factors = page.locator("main table tbody tr").first.inner_text()
        assert "risk, " in factors and "log-odds" in factors  # "... (raises risk, +0.84 log-odds)"
        assert axe_violations(page) == []
    page.locator("main table tbody tr td:first-child a").first.click()
    page.wait_for_url("**/care/people/*")
    risk = page.locator("main dl", has_text="Death in the next 12 months").inner_text()
    assert f"Scored at {index_date}" in risk and "Main contributing factors" in risk and "The model was trained" in risk
    assert axe_violations(page) == []


@pytest.fixture
def served_copy(served, care_warehouse, tmp_path):
    """A live server on a copy of the warehouse and its identity store: the walk below discloses people
    the shared disclosure log must not gain (other tests read it)."""
    from pophealth.access.audit_store import copy_audit
    from pophealth.care.identity_store import store_path

    practice = served[2]
    db = tmp_path / "care.duckdb"
    shutil.copy(care_warehouse, db)  # the closed file the served app opened, not the one it is writing to
    shutil.copy(store_path(care_warehouse), store_path(db))
    copy_audit(care_warehouse, db)
    own = create_app(db, strategy_dir="tests/fixtures/strategy_min")
    with live_server(own) as url:
        yield own, url, practice
    own.state.con.close()


def test_a_worklist_of_several_pages_is_walked_with_its_page_links(page, served_copy, monkeypatch):
    import pophealth.web.routes.care as care_routes

    monkeypatch.setattr(care_routes, "WORKLIST_PAGE_SIZE", 4)  # the live server runs in this process
    app, url, practice = served_copy
    browser_sign_in(page, url, app, "care_team", "browser_pages", practice_code=practice)
    page.goto(url + "/care/worklists/care-gaps?sort=age")
    status = page.inner_text("main p[role=status]")
    assert "showing 1 to 4" in status
    nav = page.locator("nav[aria-label='Pages of this worklist']")
    assert nav.locator("[aria-current=page]").inner_text() == "Page 1"
    assert axe_violations(page) == []
    first_page = page.locator("main table tbody tr td:first-child a").all_inner_texts()
    nav.locator("a[rel=next]").click()
    page.wait_for_url("**page=2**")
    assert "sort=age" in page.url  # the sort is kept
    assert page.locator("nav[aria-label='Pages of this worklist'] [aria-current=page]").inner_text() == "Page 2"
    second_page = page.locator("main table tbody tr td:first-child a").all_inner_texts()
    assert len(first_page) == len(second_page) == 4 and not set(first_page) & set(second_page)
    assert "People 5 to 8 of" in page.inner_text("main caption")
    assert axe_violations(page) == []
