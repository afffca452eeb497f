"""End-to-end: the Leicester profile in a real browser (axe clean), and its XLSX download."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from pophealth.web.app import create_app
from tests.browser_support import axe_violations, live_server
from tests.web.test_indicator_pages import FIXTURE, built_warehouse

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    app = create_app(built_warehouse(tmp_path_factory.mktemp("web")), strategy_dir=FIXTURE)
    with live_server(app) as url:
        yield url


def test_leicester_profile_renders_is_accessible_and_downloads_as_xlsx(browser, base_url, tmp_path):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(base_url + "/places")
    page.click("a[href='/places/E06000016']")
    page.wait_for_url("**/places/E06000016")
    assert page.locator("h1").inner_text().strip() == "Leicester health profile"
    assert page.locator("#profile-table tbody tr").count() >= 20
    assert page.locator("svg.ph-chart[role='img'] title").count() == 1
    assert axe_violations(page) == []
    with page.expect_download() as info:
        page.click("a[href='/places/E06000016.xlsx']")
    target = tmp_path / "leicester.xlsx"
    info.value.save_as(target)
    ws = load_workbook(target)["Profile"]
    assert ws.max_row - 1 == page.locator("#profile-table tbody tr").count()
    context.close()


@pytest.mark.parametrize("path", ["/indicators/41001?area=E06000016", "/indicators/92033?area=E92000001",
                                  "/pledges/1/places"])
def test_indicator_and_comparison_pages_are_accessible(page, base_url, path):
    page.goto(base_url + path)
    assert page.locator("h1").count() == 1
    assert axe_violations(page) == []
