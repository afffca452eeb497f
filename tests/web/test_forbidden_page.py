"""The 403 page is a page of the app: NHS header, navigation, the account and sign-out, no "sign in" offer."""

from __future__ import annotations

import pytest

from pophealth.warehouse import connect
from pophealth.web.app import create_app
from tests.auth_support import signed_in_client


@pytest.fixture
def app(db_file):
    connect(db_file).close()
    return create_app(db_file)


def test_a_signed_in_user_refused_a_page_keeps_header_navigation_and_sign_out(app):
    client = signed_in_client(app, "analyst", username="ana_forbidden")
    refused = client.get("/admin/users")
    assert refused.status_code == 403
    html = refused.text
    assert 'class="nhsuk-header' in html and "<nav" in html  # the NHS header and the site navigation
    assert "Sign out" in html and "Signed in as" in html
    assert 'href="/login"' not in html  # no "sign in" offered to someone signed in
    assert "Your role does not give access to this page" in html


def test_the_json_twin_of_a_refused_page_stays_json(app):
    client = signed_in_client(app, "analyst", username="ana_forbidden_api")
    refused = client.get("/api/admin/users")
    assert refused.status_code == 403 and refused.json()["error"]["status"] == 403
