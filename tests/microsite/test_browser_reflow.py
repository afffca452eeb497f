"""The public microsite reflows (WCAG 2.2, 1.4.10): at 320 px and 1280 px nothing overflows the page
except inside its own scrollable region, and axe-core finds no violations, on every page type."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser_support import axe_violations, horizontal_overflow
from tests.microsite.test_browser import PAGE_TYPES, static_server

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture(scope="module")
def site(built_site: Path) -> Iterator[str]:
    with static_server(built_site.parent) as base:
        yield f"{base}/{built_site.name}/"


@pytest.mark.parametrize("width", [320, 1280])
def test_every_page_type_reflows_and_passes_axe(browser, site, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        for path in PAGE_TYPES:
            page.goto(site + path)
            found = horizontal_overflow(page)
            assert found["offenders"] == [] and found["page_width"] <= found["viewport"], (path, width, found)
            assert axe_violations(page) == [], (path, width)
    finally:
        context.close()
