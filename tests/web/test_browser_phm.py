"""End-to-end: the PHM summary page with the risk model report in a real browser, signed in as an analyst,
is axe clean."""

from __future__ import annotations

import pytest

from pophealth.web.app import create_app
from tests.auth_support import browser_sign_in
from tests.browser_support import axe_violations, live_server
from tests.phm.test_run import synth_db  # noqa: F401  (a 3,000-person synthetic warehouse with a PHM run)
from tests.web.test_indicator_pages import FIXTURE

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture(scope="module")
def served(synth_db, tmp_path_factory):  # noqa: F811
    from tests.web.phm_risk_support import with_risk_run

    path, _ = with_risk_run(synth_db, tmp_path_factory.mktemp("phm_browser") / "risk.duckdb")
    app = create_app(path, strategy_dir=FIXTURE)
    with live_server(app) as url:
        yield app, url


def test_phm_summary_is_accessible(page, served):
    app, base_url = served
    browser_sign_in(page, base_url, app, "analyst")
    page.goto(base_url + "/phm")
    assert page.locator("h1").inner_text().strip() == "Population health management"
    assert page.locator("svg.ph-chart[role='img'] > title").count() == 2  # segments and calibration
    assert page.locator("h2#risk-model").count() == 1
    assert page.locator("table.nhsuk-table").count() >= 10
    assert axe_violations(page) == []
