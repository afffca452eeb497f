"""One request pipeline: every route is declared with its role by ``page``/``action``, and no coroutine handler
does blocking work on the event loop (DuckDB, Argon2, files): it reads the form and hands over to the pool."""

from __future__ import annotations

import inspect
import re

from fastapi import FastAPI, Request
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from pophealth.web.app import create_app
from pophealth.web.pages import PageContext, Routes, action, page, route_registry

BLOCKING = re.compile(r"\bwarehouse\(|\bcursor\(|\.execute\(|\bauthenticate\(|\bverify_password\(|\bopen\(|"
                      r"\.read_text\(|\.write_text\(|\brecord_access\(|\.state\.audit\.")


def test_no_coroutine_handler_blocks_the_event_loop():
    app = create_app(":memory:")
    coroutines = [r for r in app.router.routes if isinstance(r, APIRoute) and inspect.iscoroutinefunction(r.endpoint)]
    assert coroutines, "the form handlers are coroutines (they await the form)"
    for route in coroutines:
        source = inspect.getsource(route.endpoint)
        assert not BLOCKING.search(source), f"{route.path}: blocking work in an async handler"
        if "await request.form()" in source:
            assert "run_in_threadpool" in source, f"{route.path}: reads the form, then must hand over to the pool"
    app.state.con.close()


def test_every_route_of_the_app_has_its_role_declared():
    app = create_app(":memory:")
    declared = {(r.path, m) for r in route_registry(app) for m in r.methods}
    for route in app.router.routes:
        if isinstance(route, APIRoute):
            for method in route.methods - {"HEAD"}:
                assert (route.path, method) in declared, f"{method} {route.path} declares no role"
    app.state.con.close()


def test_page_and_action_register_a_route_and_its_role_in_one_step():
    app = FastAPI()
    routes = Routes()

    @page(routes, "/thing", "unused.jinja", role="analyst", name="thing")
    def thing(request: Request) -> PageContext:
        return PageContext(title="A thing")

    @action(routes, "/thing/do", role="admin", methods=("POST",))
    def do(request: Request) -> dict:
        return {"done": True}

    assert all(getattr(r, "path", "") != "/thing" for r in app.router.routes)  # nothing added before register
    routes.register(app)
    assert {(r.path, r.methods, r.role) for r in route_registry(app)} == {
        ("/thing", ("GET",), "analyst"), ("/api/thing", ("GET",), "analyst"), ("/thing/do", ("POST",), "admin")}
    assert TestClient(app).get("/api/thing").json()["title"] == "A thing"
    assert TestClient(app).post("/thing/do").json() == {"done": True}
