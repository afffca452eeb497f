"""Hardening found missing by the adversarial test: security headers, no-store on staff and patient pages,
API docs without a CDN, action leads matched exactly, care accounts only for practices that exist."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from pophealth.errors import ConfigError
from pophealth.web.app import create_app
from pophealth.web.routes.delivery import lead_names, may_edit
from pophealth.web.security import inline_scripts
from tests.auth_support import signed_in_client


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    a = create_app(tmp_path_factory.mktemp("hard") / "w.duckdb", strategy_dir="tests/fixtures/strategy_min")
    yield a
    a.state.con.close()


def test_every_answer_carries_the_security_headers_and_a_policy_naming_its_own_inline_scripts(app):
    response = TestClient(app).get("/")
    h = response.headers
    assert h["x-content-type-options"] == "nosniff" and h["x-frame-options"] == "DENY"
    assert h["referrer-policy"] == "same-origin" and "strict-transport-security" not in h  # plain HTTP here
    policy = h["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", response.text, re.S)
    assert inline, "the page has the NHS.UK template's inline scripts"
    for script in inline:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    assert "cache-control" not in h or "no-store" not in h["cache-control"]  # public pages may be cached


def test_hsts_behind_tls(app, monkeypatch):
    # settings are read once, when the app is created (pophealth.settings): POPHEALTH_SECURE_COOKIES=1
    monkeypatch.setattr(app.state, "settings", app.state.settings.model_copy(update={"secure_cookies": True}))
    assert "max-age=" in TestClient(app).get("/").headers["strict-transport-security"]


@pytest.mark.parametrize("path", ["/delivery", "/api/delivery", "/pledges"])
def test_answers_to_signed_in_staff_are_not_stored(app, path):
    assert signed_in_client(app, "analyst").get(path).headers["cache-control"] == "no-store"


def test_sign_in_and_care_pages_are_not_stored_even_anonymously(app):
    client = TestClient(app)
    assert client.get("/login").headers["cache-control"] == "no-store"
    assert client.get("/care", follow_redirects=False).headers["cache-control"] == "no-store"


def test_api_docs_load_nothing_from_another_site(app):
    page = TestClient(app).get("/api/docs")
    assert page.status_code == 200 and "/api/openapi.json" in page.text and "/api/pledges" in page.text
    assert not re.search(r"""(src|href)=['"]https?://""", page.text)
    assert "<script" not in page.text


class _Action:
    def __init__(self, leads):
        self.leads = leads


def test_action_leads_are_matched_whole_not_by_substring():
    from pophealth.access.roles import User

    action = _Action("Director of Public Health; Leicester City Council")
    assert lead_names(action.leads) == {"director of public health", "leicester city council"}
    attacker = User("le", "le", "action_lead")  # the attack: "le" is inside "Leicester City Council"
    assert not may_edit(attacker, action)
    assert not may_edit(User("city", "City Council", "action_lead"), action)
    assert may_edit(User("lcc", "Leicester City Council", "action_lead"), action)
    assert may_edit(User("dph", "Director  of public HEALTH", "action_lead"), action)
    assert may_edit(attacker, _Action(None)) and may_edit(attacker, _Action(" "))  # no lead named yet


def test_care_accounts_only_for_practices_and_pcns_that_exist(tmp_path):
    from pophealth.access.users import add_user
    from pophealth.warehouse import connect

    con = connect(tmp_path / "w.duckdb")
    with pytest.raises(ConfigError, match="no GP practice"):
        add_user(con, "ghost", "a long enough password", "care_team", practice_code="Z99999")
    with pytest.raises(ConfigError, match="no PCN"):
        add_user(con, "ghost", "a long enough password", "care_team", pcn_code="U00000")
    assert add_user(con, "real", "a long enough password", "care_team", practice_code="C82001").scope
    con.close()


def test_an_account_linked_to_a_person_the_lead_field_names_may_edit_the_action(tmp_path):
    from pophealth.access.roles import User
    from pophealth.access.users import add_user
    from pophealth.strategy.boards_models import Person
    from pophealth.boards.store import add_person
    from pophealth.warehouse import connect

    con = connect(tmp_path / "w.duckdb")
    add_user(con, "jl1", "a long enough password", "action_lead", display_name="J. Lead")
    add_user(con, "other", "a long enough password", "action_lead", display_name="Someone Else")
    add_person(con, Person(id="jane-lead", name="Dr Jane Lead", username="jl1"), who="test")
    add_person(con, Person(id="sam-other", name="Sam Other", username="other"), who="test")
    action = _Action("Dr Jane Lead; Leicester City Council")
    linked, unlinked = User("jl1", "J. Lead", "action_lead"), User("other", "Someone Else", "action_lead")
    assert not may_edit(linked, action)  # without the register, the display name alone does not match
    assert may_edit(linked, action, con)  # the register links the account to "Dr Jane Lead"
    assert not may_edit(unlinked, action, con)
    assert not may_edit(User("jl1", "J. Lead", "analyst"), action, con)  # the role still decides first
    con.close()


PIECES = ["<script>", "<script type=\"module\">", "<script src=\"/a.js\">", "<script defer src='/b.js'>",
          "</script>", "<span>", "<select>", "<s", "src=", ">", "x = 1;", "<p>text</p>", " ", "\n", "<scripts>"]


@given(st.lists(st.sampled_from(PIECES), max_size=30))
def test_inline_scripts_are_found_as_the_policy_defines_them(pieces):
    """The search by ``bytes.find`` finds what the regular expression that defines an inline script finds
    (a script element without ``src=`` in its tag, up to the first closing tag), on any mix of tags."""
    body = "".join(pieces).encode()
    defined = re.findall(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", body, re.S)
    assert inline_scripts(body) == defined
