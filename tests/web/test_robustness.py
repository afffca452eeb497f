"""The web app under concurrent use: one thread-safe page cache, narrative saves that conflict cleanly, one
error shape for HTML and JSON (500s included), and API docs that need no network."""

from __future__ import annotations

import re
import threading
from types import SimpleNamespace

import duckdb
import pytest
from fastapi.testclient import TestClient

from pophealth.errors import ConflictError
from pophealth.measures import narrative
from pophealth.warehouse import connect
from pophealth.cache import DataCache
from pophealth.web.pages import cached, declare_route
from tests.racing import race


def _request(con):
    state = SimpleNamespace(con=con, cache=DataCache())
    return SimpleNamespace(app=SimpleNamespace(state=state))


def test_the_page_cache_is_safe_under_threads():
    con = duckdb.connect()
    request = _request(con)

    def hammer(worker: int) -> None:
        for i in range(400):
            key = (worker * 1000 + i) % 37
            value = cached(request, "page", key, "SELECT 1", lambda c, k=key: (c.execute("SELECT 1").fetchone(),
                                                                           ("built", k))[1], size=4)
            assert value == ("built", key)

    errors = race(hammer)
    con.close()
    assert errors == []


def test_keys_that_are_not_admitted_never_evict_real_pages():
    con = duckdb.connect()
    request = _request(con)
    builds: list[str] = []

    def page(key: str):
        def build(_con):
            builds.append(key)
            return key
        return cached(request, "measures", key, "SELECT 1", build, size=2, admit=lambda v: not v.startswith("bogus"))

    page("2024-01")
    page("2024-02")
    for i in range(50):
        assert page(f"bogus-{i}") == f"bogus-{i}"  # answered, but not kept
    page("2024-01")
    page("2024-02")
    assert builds.count("2024-01") == 1 and builds.count("2024-02") == 1
    con.close()


def test_two_editors_saving_at_once_get_one_version_and_one_clear_conflict(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    narrative.add_version(con, "m1", "2024-01", "first", [], "a")
    for round_ in range(10):
        latest = con.execute("SELECT max(version) FROM measure_narrative").fetchone()[0]
        start = threading.Barrier(2)
        outcomes: list[object] = []

        def save(who: str) -> None:
            cursor = con.cursor()
            try:
                start.wait()
                outcomes.append(narrative.add_version(cursor, "m1", "2024-01", f"by {who}", [], who, based_on=latest))
            except BaseException as exc:  # noqa: BLE001 - the outcome is asserted below
                outcomes.append(exc)
            finally:
                cursor.close()

        threads = [threading.Thread(target=save, args=(w,)) for w in ("x", "y")]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        saved = [o for o in outcomes if isinstance(o, narrative.NarrativeVersion)]
        refused = [o for o in outcomes if isinstance(o, ConflictError)]
        assert len(saved) == 1 and len(refused) == 1, (round_, outcomes)
        assert con.execute("SELECT max(version) FROM measure_narrative").fetchone()[0] == latest + 1
    con.close()


@pytest.fixture
def app(tmp_path):
    from pophealth.web.app import create_app

    app = create_app(tmp_path / "w.duckdb")

    def boom():
        raise RuntimeError("broken on purpose")

    for path in ("/broken", "/api/broken"):
        app.add_api_route(path, boom, methods=["GET"])
        declare_route(app, path, ("GET",), "public")
    yield app
    app.state.con.close()


def test_a_500_is_an_html_page_on_html_routes_and_the_json_error_shape_on_the_api(app):
    client = TestClient(app, raise_server_exceptions=False)
    page = client.get("/broken")
    assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
    assert "<h1" in page.text and "broken on purpose" not in page.text
    api = client.get("/api/broken")
    assert api.status_code == 500 and api.headers["content-type"] == "application/json"
    assert api.json() == {"error": {"status": 500, "message": api.json()["error"]["message"]}}
    assert "broken on purpose" not in api.text


def test_a_conflict_is_a_409_in_both_shapes(app):
    def conflict():
        raise ConflictError("The narrative is now at version 3", hint="reload the page and edit again")

    for path in ("/conflict", "/api/conflict"):
        app.add_api_route(path, conflict, methods=["GET"])
        declare_route(app, path, ("GET",), "public")
    client = TestClient(app)
    assert client.get("/api/conflict").json() == {"error": {"status": 409, "message":
                                                   "The narrative is now at version 3 (reload the page and edit again)"}}
    page = client.get("/conflict")
    assert page.status_code == 409 and "now at version 3" in page.text


def test_api_docs_work_offline(app):
    page = TestClient(app).get("/api/docs")
    assert page.status_code == 200 and "/api/measures" in page.text
    external = re.findall(r'(?:src|href)=["\'](https?:)?//', page.text)
    assert external == [] and "<script" not in page.text
