"""The app's one cache (``app.state.cache``): sessions end at once on sign-out, writes show at once, and so do
commands forwarded to the server."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from pophealth.web.app import create_app
from tests.auth_support import csrf_of, signed_in_client


def test_signing_out_ends_the_session_at_once_even_though_sessions_are_remembered(tmp_path):
    app = create_app(tmp_path / "w.duckdb")
    app.state.cache.recheck_seconds = 3600  # only a write may end a remembered session
    client = signed_in_client(app, "analyst")
    assert client.get("/api/delivery").status_code == 200
    stolen = client.cookies.get("pophealth_session")
    assert client.post("/logout", data={"csrf_token": csrf_of(client, "/delivery")},
                       follow_redirects=False).status_code == 303
    replay = TestClient(app, cookies={"pophealth_session": stolen})
    assert replay.get("/api/delivery").status_code == 401


def test_a_session_ended_outside_a_request_is_seen_within_recheck_seconds(tmp_path):
    app = create_app(tmp_path / "w.duckdb")
    app.state.cache.recheck_seconds = 0.2
    client = signed_in_client(app, "analyst")
    assert client.get("/api/delivery").status_code == 200
    con = app.state.con.cursor()
    con.execute("DELETE FROM app_session")
    time.sleep(0.25)
    assert client.get("/api/delivery").status_code == 401
    con.close()


def _page_request(app):
    from types import SimpleNamespace

    return SimpleNamespace(app=app)


def _count_page(app) -> int:
    """A page part cached like the app's own (``pages.cached``), over a table written outside any request."""
    from pophealth.web.pages import cached

    return cached(_page_request(app), "test_count", None, "SELECT count(*) FROM cache_probe",
                  lambda con: con.execute("SELECT count(*) FROM cache_probe").fetchone()[0])


def _write_outside_a_request(app) -> None:
    con = app.state.con.cursor()
    con.execute("INSERT INTO cache_probe VALUES (1)")
    con.close()


def test_a_write_through_the_app_makes_the_next_read_fresh(tmp_path):
    app = create_app(tmp_path / "w.duckdb")
    app.state.cache.recheck_seconds = 3600  # only a write may make the page fresh
    app.state.con.execute("CREATE TABLE cache_probe (x INTEGER)")
    client = signed_in_client(app, "analyst")
    assert _count_page(app) == 0
    _write_outside_a_request(app)
    assert _count_page(app) == 0  # cached: the app has not seen a write
    assert client.post("/logout", data={"csrf_token": csrf_of(client, "/delivery")},
                       follow_redirects=False).status_code == 303  # an unsafe request: a write the app knows of
    assert _count_page(app) == 1


def test_a_forwarded_command_shows_its_new_data_at_once(tmp_path):
    """``ControlServer.run`` (a command forwarded to the server) empties the cache when it ends: a disabled
    account's session ends at once, and a page part built before shows the new data."""
    import io

    from pophealth.web.control import ControlServer, _Job

    class Caller:
        def sendall(self, data: bytes) -> None:
            pass

        def makefile(self, *args, **kwargs):
            return io.StringIO()

    app = create_app(tmp_path / "w.duckdb")
    app.state.cache.recheck_seconds = 3600
    app.state.con.execute("CREATE TABLE cache_probe (x INTEGER)")
    client = signed_in_client(app, "analyst", "leaver")
    assert client.get("/api/delivery").status_code == 200 and _count_page(app) == 0
    _write_outside_a_request(app)
    from pophealth.cli.served import run_forwarded

    control = ControlServer(app, run_forwarded)
    try:
        code = control.run(_Job(Caller(), {}), ["users", "disable", "leaver", "--db", str(app.state.db)],  # type: ignore[arg-type]
                           str(tmp_path), {})
    finally:
        control.folder.rmdir()
    assert code == 0
    assert client.get("/api/delivery").status_code == 401
    assert _count_page(app) == 1


def test_the_population_content_is_asked_once_between_writes_even_past_the_recheck(tmp_path, monkeypatch):
    """Hashing every person row costs a scan at full size: it is asked again after a write, not every second."""
    from pophealth.warehouse import versions
    from pophealth.web.pages import population_content

    app = create_app(tmp_path / "w.duckdb")
    app.state.cache.recheck_seconds = 0.01
    asked = []
    real = versions.population_content_id
    monkeypatch.setattr(versions, "population_content_id", lambda con: asked.append(1) or real(con))

    class Request:
        pass

    request = Request()
    request.app = app
    first = population_content(request)
    time.sleep(0.05)
    assert population_content(request) == first and len(asked) == 1
    app.state.cache.bump()
    assert population_content(request) == first and len(asked) == 2
