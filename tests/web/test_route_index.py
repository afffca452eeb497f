"""Routing through the index by first path segment (``pophealth.web.route_index``) picks what the whole list picks."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.routing import Match

from pophealth.web.app import create_app
from pophealth.web.route_index import RouteIndex, first_segment, fixed_segment

METHODS = ("GET", "POST", "PUT", "DELETE", "HEAD")


@pytest.fixture(scope="module")
def app() -> FastAPI:
    return create_app(":memory:")


def chosen(routes, path: str, method: str):
    """What Starlette's router does with a request: the first full match, else the first partial one."""
    scope = {"type": "http", "path": path, "root_path": "", "method": method, "headers": []}
    partial = None
    for route in routes:
        match, _ = route.matches(scope)
        if match == Match.FULL:
            return route, Match.FULL
        if match == Match.PARTIAL and partial is None:
            partial = route
    return (partial, Match.PARTIAL) if partial is not None else (None, Match.NONE)


def filled(template: str, value: str) -> str:
    """A route's path template with every parameter replaced by ``value``."""
    return re.sub(r"\{[^}]+\}", value, template)


def paths_of(app: FastAPI):
    """Every route's own path (parameters filled with numbers and with words), with and without a trailing slash,
    and made-up paths sharing and not sharing their first segments."""
    out = set()
    for route in app.router.routes:
        for value in ("1", "E06000016", "x"):
            path = filled(getattr(route, "path", "/"), value)
            out |= {path, path.rstrip("/") + "/", path + "/extra", "/" + first_segment(path) + "-not"}
    return sorted(out | {"/", "//", "/nowhere", "/api/nowhere", "/static", "/static/", "/care/"})


def test_the_index_picks_the_route_the_whole_list_picks_for_every_routes_path(app):
    index = RouteIndex(app.router)
    paths = paths_of(app)
    assert len(paths) > 300
    for path in paths:
        for method in METHODS:
            assert chosen(index.candidates(path), path, method) == chosen(app.router.routes, path, method), \
                (method, path)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["care", "api", "pledges", "static", "assets", "worklists", "1", "x", "",
                                 "places", "E06000016", "delivery", "admin", "measures"]), min_size=0, max_size=4),
       st.sampled_from(METHODS), st.booleans())
def test_the_index_picks_what_the_whole_list_picks_for_any_path(app, segments, method, slash):
    path = "/" + "/".join(segments) + ("/" if slash else "")
    index = RouteIndex(app.router)
    assert chosen(index.candidates(path), path, method) == chosen(app.router.routes, path, method)


def test_routes_it_cannot_place_are_candidates_for_every_path():
    app = FastAPI()
    app.get("/{anything}")(lambda anything: anything)
    app.get("/fixed/{x}")(lambda x: x)
    index = RouteIndex(app.router)
    catch_all = next(r for r in app.router.routes if getattr(r, "path", "") == "/{anything}")
    assert fixed_segment(catch_all) is None
    assert catch_all in index.candidates("/fixed/1") and catch_all in index.candidates("/other")
    assert [getattr(r, "path", "") for r in index.candidates("/fixed/1")][-2:] == ["/{anything}", "/fixed/{x}"]


def test_a_route_added_after_the_index_was_built_is_found():
    app = FastAPI()
    app.get("/first")(lambda: "first")
    client = TestClient(app)
    from pophealth.web.route_index import install

    install(app.router)
    assert client.get("/first").json() == "first"
    app.get("/second/{n}")(lambda n: n)
    assert client.get("/second/7").json() == "7"


def test_through_the_app_404_405_redirect_and_static_are_as_before(app):
    client = TestClient(app, follow_redirects=False)
    assert isinstance(app.router.middleware_stack, RouteIndex)
    assert client.get("/nowhere").status_code == 404
    assert client.get("/api/nowhere").status_code == 404
    assert client.options("/pledges").status_code == 405  # a known path with another method
    redirect = client.get("/pledges/")
    assert redirect.status_code in (307, 308) and redirect.headers["location"].endswith("/pledges")
    assert client.get("/pledges").status_code == 200
    assert client.get("/static/nope.css").status_code == 404
