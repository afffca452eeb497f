"""Care-team pages answered on the event loop when the list and its page are at hand (``cache.answers_only``),
on a thread otherwise: the same page either way, one audit row and one set of disclosure rows per view
whichever way it went, and a view refused on the way (a practice outside the scope) audited once."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest

from pophealth.access.audit import audit_rows, verify_chain
from pophealth.care.identity_store import store_path
from pophealth.web.app import create_app
from pophealth.web.routes import care
from tests.auth_support import signed_in_client


@pytest.fixture(scope="module")
def app(care_warehouse):
    app = create_app(care_warehouse, strategy_dir="tests/fixtures/strategy_min")
    app.state.cache.recheck_seconds = 3600  # only a write ends a remembered answer: which way a view goes is fixed
    return app


@pytest.fixture(scope="module")
def practice(app):
    con = app.state.con.cursor()
    try:
        return con.execute("SELECT practice_code FROM person_geography GROUP BY 1 ORDER BY count(*) DESC, 1 "
                           "LIMIT 1").fetchone()[0]
    finally:
        con.close()


@pytest.fixture
def on_threads(monkeypatch):
    """The care views handed to the thread pool, by the function that did them."""
    handed: list[str] = []
    real = care.run_in_threadpool

    async def counting(function, *args, **kwargs):
        handed.append(function.__name__)
        return await real(function, *args, **kwargs)

    monkeypatch.setattr(care, "run_in_threadpool", counting)
    return handed


def audited(app, username: str) -> list[str]:
    con = app.state.con.cursor()
    try:
        return [r["detail"] for r in reversed(audit_rows(con)) if r["username"] == username]
    finally:
        con.close()


def disclosed(app, username: str) -> list[tuple]:
    with closing(sqlite3.connect(store_path(app.state.db))) as db:
        return db.execute("SELECT route, person_id, nhs_number FROM identity_disclosure WHERE username = ? "
                          "ORDER BY rowid", [username]).fetchall()


def test_a_worklist_at_hand_is_answered_on_the_loop_with_the_same_page_and_log(app, practice, on_threads):
    client = signed_in_client(app, "care_team", "loop_worklist", practice_code=practice)
    first = client.get("/care/worklists/care-gaps")
    assert first.status_code == 200 and on_threads == ["_worklist_now"]  # its page was not rendered yet
    second = client.get("/care/worklists/care-gaps")
    assert second.status_code == 200 and on_threads == ["_worklist_now"]  # answered on the loop
    assert second.text == first.text
    details = audited(app, "loop_worklist")
    assert len(details) == 2 and details[0] == details[1]
    shown = disclosed(app, "loop_worklist")
    people = len(shown) // 2
    assert people > 0 and shown[:people] == shown[people:]
    assert f"identifiers shown for {people} people" in details[0]
    assert all(f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}" in second.text for _, _, nhs in shown[:people])


def test_after_a_write_a_view_goes_to_a_thread_once_then_back_to_the_loop(app, practice, on_threads):
    client = signed_in_client(app, "care_team", "loop_write", practice_code=practice)
    client.get("/care/worklists/frailty")
    on_threads.clear()
    app.state.cache.bump()  # what every write the app knows of does
    assert client.get("/care/worklists/frailty").status_code == 200
    assert client.get("/care/worklists/frailty").status_code == 200
    assert on_threads == ["_worklist_now"]
    assert len(audited(app, "loop_write")) == 3


def test_the_care_home_at_hand_is_answered_on_the_loop_and_audited_every_time(app, practice, on_threads):
    client = signed_in_client(app, "care_team", "loop_home", practice_code=practice)
    pages = [client.get("/care") for _ in range(3)]
    assert {p.status_code for p in pages} == {200} and pages[1].text == pages[0].text == pages[2].text
    assert on_threads.count("_care_home_now") <= 1
    assert audited(app, "loop_home") == ["worklist counts"] * 3


def test_a_refused_practice_filter_is_audited_once_whichever_way_the_view_went(app, practice, on_threads):
    client = signed_in_client(app, "care_team", "loop_refused", practice_code=practice)
    client.get("/care/worklists/frailty")  # the list and its practices at hand
    on_threads.clear()
    assert client.get("/care/worklists/frailty?practice=Z99999").status_code == 404
    assert client.get("/care/worklists/frailty?practice=Z99999").status_code == 404
    assert on_threads == ["_worklist_now", "_worklist_now"]  # its audit row is written on a thread
    assert [d for d in audited(app, "loop_refused") if "refused" in d] == [
        "worklist frailty refused; practice filter 'Z99999' outside scope"] * 2
    con = app.state.con.cursor()
    try:
        assert verify_chain(con)
    finally:
        con.close()


def test_a_cursor_opened_on_use_is_refused_inside_answers_only(monkeypatch):
    from pophealth.cache import WouldWork, answers_only
    from pophealth.web import pages

    opened: list[object] = []
    monkeypatch.setattr(pages, "cursor", lambda request: opened.append(request) or pytest.fail("opened"))
    with answers_only(), pytest.raises(WouldWork), pages.warehouse(object(), on_use=True) as con:
        con.execute("SELECT 1")
    assert opened == []
