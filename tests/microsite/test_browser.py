"""The built site in a real browser, served by a plain static file server from a sub-path.

axe-core (WCAG 2.2 A/AA) on every page type; the site also works with JavaScript off and from file://.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.browser_support import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PAGE_TYPES = ["index.html", "pledges/index.html", "pledges/8.html", "priorities/index.html",
              "priorities/leicester/l2.html", "priorities/jfp/keeping-people-well.html", "places/index.html",
              "places/E06000017.html", "about/data.html", "accessibility.html", "you-said-we-did/index.html",
              "you-said-we-did/focus/access-to-services.html"]


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output clean
        pass


@contextmanager
def static_server(folder: Path) -> Iterator[str]:
    """``http.server`` over ``folder`` in a thread; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def site_url(built_site: Path) -> Iterator[str]:
    with static_server(built_site.parent) as base:  # the site lives at a sub-path, not at the server root
        yield f"{base}/{built_site.name}/"


@pytest.mark.parametrize("path", PAGE_TYPES)
def test_every_page_type_passes_axe(page, site_url: str, path: str) -> None:
    response = page.goto(site_url + path)
    assert response and response.status == 200
    assert page.locator("h1").count() == 1
    header = page.evaluate("getComputedStyle(document.querySelector('.nhsuk-header')).backgroundColor")
    assert header == "rgb(0, 94, 184)"  # the NHS.UK stylesheet loaded through its relative link
    assert axe_violations(page) == []


def test_works_without_javascript(browser, site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    try:
        pg.goto(site_url + "index.html")
        pg.locator("main a", has_text="Pledge 8").click()
        pg.wait_for_load_state()
        assert pg.locator("h1").inner_text() == "Pledge 8"
        pg.locator("main a", has_text="Download this table as CSV").first.wait_for()
        pg.locator(".nhsuk-header a").first.click()  # back home through the header
        assert pg.url.endswith("/index.html")
    finally:
        context.close()


def test_opens_from_file(page, built_site: Path) -> None:
    page.goto((built_site / "places" / "E06000017.html").as_uri())
    assert page.locator("h1").inner_text() == "Rutland"
    header = page.evaluate("getComputedStyle(document.querySelector('.nhsuk-header')).backgroundColor")
    assert header == "rgb(0, 94, 184)"
    page.locator("nav a, .nhsuk-header a", has_text="Our pledges").first.click()
    assert page.url.endswith("pledges/index.html")
