"""Reused pages (``reuse.reused_page``): rendered once for everyone of a role, never another user's own page,
each visitor's name and form token put in per request, nothing served after a write or the recheck time."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi import Request
from jinja2 import ChoiceLoader, DictLoader

from pophealth.access.users import get_user
from pophealth.web.app import create_app
from pophealth.web.pages import PageContext, page
from tests.auth_support import ensure_user, signed_in_client

TEMPLATES = Path(__file__).parents[2] / "src" / "pophealth" / "web" / "templates"
TEMPLATE = ('{% extends "base.jinja" %}{% block body %}<h1>{{ page.title }}</h1><p id="who">{{ page.who }}</p>'
            '<form method="post" action="/x"><input type="hidden" name="csrf_token" value="{{ csrf_token }}"></form>'
            '{% endblock %}')


class Thing(PageContext):
    who: str


@pytest.fixture
def app():
    app = create_app(":memory:", strategy_dir="tests/fixtures/strategy_min")
    app.state.jinja.loader = ChoiceLoader([DictLoader({"thing.jinja": TEMPLATE}), app.state.jinja.loader])
    app.state.builds = []

    @page(app, "/shared-thing", "thing.jinja", role="analyst", reuse=True)
    def shared(request: Request) -> Thing:
        app.state.builds.append(("shared", request.query_params.get("n", "")))
        return Thing(title="Shared", who=f"role {request.state.user.role}")

    @page(app, "/own-thing", "thing.jinja", role="analyst", reuse=True)
    def own(request: Request) -> Thing:
        app.state.builds.append(("own", request.state.user.username))
        return Thing(title="Own", who=f"user {request.state.user.username}")

    @page(app, "/public-thing", "thing.jinja", reuse=True)
    def public(request: Request) -> Thing:
        app.state.builds.append(("public", None))
        return Thing(title="Public", who="anyone")

    yield app
    app.state.con.close()


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]*)"', html).group(1)


def test_a_page_is_rendered_once_for_a_role_and_each_visitor_gets_their_own_name_and_token(app):
    ensure_user(app, "ana_one", "analyst")
    ensure_user(app, "ana_two", "analyst")
    one, two = signed_in_client(app, "analyst", "ana_one"), signed_in_client(app, "analyst", "ana_two")
    first, second = one.get("/shared-thing").text, two.get("/shared-thing").text
    assert app.state.builds == [("shared", "")]
    assert "Signed in as Ana One" in first and "Signed in as Ana Two" in second
    assert "Ana One" not in second and "Ana Two" not in first
    assert _csrf(first) != _csrf(second) and "\ue000" not in first + second
    # each token is the session's own, the same on every page it is given
    assert _csrf(first) in one.get("/shared-thing").text
    one.get("/shared-thing", params={"n": "2"})  # another address is another page
    assert app.state.builds == [("shared", ""), ("shared", "2")]


def test_a_builder_that_asks_who_the_visitor_is_keeps_the_page_for_that_user_alone(app):
    one, two = signed_in_client(app, "analyst", "ana_one"), signed_in_client(app, "analyst", "ana_two")
    assert "user ana_one" in one.get("/own-thing").text
    assert "user ana_two" in two.get("/own-thing").text  # never ana_one's page
    assert "user ana_one" in one.get("/own-thing").text
    assert app.state.builds == [("own", "ana_one"), ("own", "ana_two")]


def test_nothing_is_served_after_a_write_or_after_the_recheck_time(app):
    client = signed_in_client(app, "analyst", "ana_one")
    client.get("/shared-thing")
    app.state.cache.bump()  # what every unsafe request and forwarded command does when it has written
    client.get("/shared-thing")
    assert app.state.builds == [("shared", "")] * 2
    app.state.cache.recheck_seconds = 0
    client.get("/shared-thing")
    assert len(app.state.builds) == 3


def test_a_visitor_who_is_not_signed_in_never_gets_a_signed_in_page(app):
    from fastapi.testclient import TestClient

    signed = signed_in_client(app, "analyst", "ana_one")
    assert "Signed in as Ana One" in signed.get("/public-thing").text
    anonymous = TestClient(app).get("/public-thing").text
    assert "Signed in as" not in anonymous and "Ana One" not in anonymous
    assert app.state.builds == [("public", None)] * 2


def test_names_are_escaped_like_any_user_text(app):
    con = app.state.con.cursor()
    try:
        ensure_user(app, "ana_x", "analyst")
        con.execute("UPDATE app_user SET display_name = ? WHERE username = 'ana_x'", ['<script>alert(1)</script>'])
        assert get_user(con, "ana_x").display_name.startswith("<script>")
    finally:
        con.close()
    html = signed_in_client(app, "analyst", "ana_x").get("/shared-thing").text
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_templates_read_only_the_role_and_the_name_of_the_user():
    """A reused page's template is given ``ShownUser`` (role and a mark for the name): a template reading
    anything else of ``user`` would get nothing there, so none may."""
    read = {m for t in TEMPLATES.rglob("*.jinja") for m in re.findall(r"\buser\.(\w+)", t.read_text())}
    assert read == {"role", "display_name"}
