"""End-to-end: single sign-on in a real browser, the provider's pages stood in for by Playwright routing."""

from __future__ import annotations

import pytest

from pophealth.web.app import create_app
from tests.auth_support import ensure_user
from tests.browser_support import axe_violations, live_server
from tests.sso_support import ISSUER, FakeProvider

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    provider = FakeProvider()
    app = create_app(tmp_path_factory.mktemp("sso") / "w.duckdb")
    app.state.sso = provider.client()
    ensure_user(app, "ana@nhs.net", "analyst")
    with live_server(app) as url:
        yield url, provider


def test_sign_in_with_the_nhs_account_button(page, served):
    url, provider = served

    def provider_sign_in_page(route):  # the person signs in at the provider, which sends them back
        route.fulfill(status=302, headers={"Location": provider.sign_in(route.request.url, email="ana@nhs.net")})

    page.route(ISSUER + "/authorize**", provider_sign_in_page)
    page.goto(url + "/delivery")
    page.wait_for_url("**/login?next=/delivery")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Sign in with your NHS account").click()
    page.wait_for_url(url + "/delivery")
    assert "Signed in as" in page.inner_text(".ph-account")
    assert page.locator("h1").inner_text().strip() == "Delivery tracker"
