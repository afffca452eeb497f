"""Answers are remembered between writes for a short time, and never served after a write."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from pophealth.web.app import create_app
from pophealth.web.freshness import MAX_ANSWERS, Freshness
from tests.auth_support import csrf_of, signed_in_client


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return self.calls


def test_an_answer_is_reused_until_a_write():
    freshness, work = Freshness(recheck_seconds=60), Counter()
    assert [freshness.remembered("k", work) for _ in range(3)] == [1, 1, 1]
    freshness.wrote()
    assert freshness.remembered("k", work) == 2
    assert work.calls == 2


def test_an_answer_is_asked_again_after_recheck_seconds():
    freshness, work = Freshness(recheck_seconds=0.05), Counter()
    assert freshness.remembered("k", work) == 1
    time.sleep(0.06)
    assert freshness.remembered("k", work) == 2


def test_answers_failing_keep_are_not_remembered():
    freshness, work = Freshness(recheck_seconds=60), Counter()
    freshness.remembered("k", work, keep=lambda v: False)
    freshness.remembered("k", work, keep=lambda v: False)
    assert work.calls == 2


def test_a_write_during_the_work_makes_its_answer_stale():
    freshness, calls = Freshness(recheck_seconds=60), []

    def work() -> int:
        calls.append(1)
        if len(calls) == 1:
            freshness.wrote()  # a write lands while the first answer is being worked out
        return len(calls)

    assert freshness.remembered("k", work) == 1
    assert freshness.remembered("k", work) == 2


def test_memory_is_bounded():
    freshness = Freshness(recheck_seconds=60)
    for i in range(MAX_ANSWERS + 10):
        freshness.remembered(i, lambda: 0)
    assert len(freshness._answers) <= MAX_ANSWERS


@settings(max_examples=200)
@given(st.lists(st.one_of(st.just("write"), st.sampled_from(["a", "b", "c"])), max_size=40))
def test_never_an_answer_from_before_the_last_write(steps):
    """The answer served always comes from work done after the most recent write."""
    freshness, writes = Freshness(recheck_seconds=60), 0
    for step in steps:
        if step == "write":
            freshness.wrote()
            writes += 1
            continue
        served = freshness.remembered(step, lambda: writes)
        assert served == writes


def test_signing_out_ends_the_session_at_once_even_though_sessions_are_remembered(tmp_path):
    app = create_app(tmp_path / "w.duckdb")
    app.state.freshness.recheck_seconds = 3600  # only a write may end a remembered session
    client = signed_in_client(app, "analyst")
    assert client.get("/api/delivery").status_code == 200
    stolen = client.cookies.get("pophealth_session")
    assert client.post("/logout", data={"csrf_token": csrf_of(client, "/delivery")},
                       follow_redirects=False).status_code == 303
    replay = TestClient(app, cookies={"pophealth_session": stolen})
    assert replay.get("/api/delivery").status_code == 401


def test_a_session_ended_outside_a_request_is_seen_within_recheck_seconds(tmp_path):
    app = create_app(tmp_path / "w.duckdb")
    app.state.freshness.recheck_seconds = 0.2
    client = signed_in_client(app, "analyst")
    assert client.get("/api/delivery").status_code == 200
    con = app.state.con.cursor()
    con.execute("DELETE FROM app_session")
    time.sleep(0.25)
    assert client.get("/api/delivery").status_code == 401
    con.close()
