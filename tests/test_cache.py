"""The one cache: answers remembered between writes for a short time and never served after a write; versioned
values per name, bounded; safe when many threads use it at once."""

from __future__ import annotations

import threading
import time


import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.racing import race
from pophealth.cache import DataCache, WouldWork, answers_only, refuse_work


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> int:
        self.calls += 1
        return self.calls


def test_an_answer_is_reused_until_a_write():
    cache, work = DataCache(recheck_seconds=60), Counter()
    assert [cache.remembered("n", "k", work) for _ in range(3)] == [1, 1, 1]
    cache.bump()
    assert cache.remembered("n", "k", work) == 2
    assert work.calls == 2


def test_an_answer_is_asked_again_after_recheck_seconds():
    cache, work = DataCache(recheck_seconds=0.05), Counter()
    assert cache.remembered("n", "k", work) == 1
    time.sleep(0.06)
    assert cache.remembered("n", "k", work) == 2


def test_a_costly_answer_has_its_own_longer_recheck_but_a_write_still_ends_it():
    cache, work, costly = DataCache(recheck_seconds=0.05), Counter(), Counter()
    assert cache.remembered("cheap", "k", work) == 1 and cache.remembered("costly", "k", costly, recheck_seconds=60) == 1
    time.sleep(0.06)
    assert cache.remembered("cheap", "k", work) == 2  # the cache's own recheck
    assert cache.remembered("costly", "k", costly, recheck_seconds=60) == 1  # its own, longer
    assert cache.peek("costly", "k", recheck_seconds=60) == 1 and cache.peek("costly", "k") is None
    cache.bump()
    assert cache.remembered("costly", "k", costly, recheck_seconds=60) == 2


def test_answers_failing_keep_are_not_remembered():
    cache, work = DataCache(recheck_seconds=60), Counter()
    cache.remembered("n", "k", work, keep=lambda v: False)
    cache.remembered("n", "k", work, keep=lambda v: False)
    assert work.calls == 2


def test_a_write_during_the_work_makes_its_answer_stale():
    cache, calls = DataCache(recheck_seconds=60), []

    def work() -> int:
        calls.append(1)
        if len(calls) == 1:
            cache.bump()  # a write lands while the first answer is being worked out
        return len(calls)

    assert cache.remembered("n", "k", work) == 1
    assert cache.remembered("n", "k", work) == 2


def test_memory_is_bounded_per_name():
    cache = DataCache(recheck_seconds=60)
    cache.get("pinned", "k", 1, lambda: "kept", size=5)
    for i in range(110):
        cache.remembered("answers", i, lambda: 0, size=100)
        cache.get("pages", i, "v1", lambda: 0, size=10)
    assert cache.entries("answers") == 100 and cache.entries("pages") == 10
    assert cache.get("pinned", "k", 1, lambda: "rebuilt") == "kept"  # other names' floods do not evict it


def test_the_least_recently_used_value_goes_first():
    cache, built = DataCache(), []

    def build(key: str):
        built.append(key)
        return key

    for key in ("a", "b", "a", "c"):  # "a" used again after "b": "b" is the one evicted
        cache.get("n", key, 1, lambda k=key: build(k), size=2)
    cache.get("n", "a", 1, lambda: build("a"), size=2)
    cache.get("n", "b", 1, lambda: build("b"), size=2)
    assert built == ["a", "b", "c", "b"]


def test_a_new_version_is_a_new_value_and_a_bump_does_not_drop_versioned_values():
    cache = DataCache(recheck_seconds=60)
    assert cache.get("page", "k", "v1", lambda: "one") == "one"
    assert cache.get("page", "k", "v2", lambda: "two") == "two"
    cache.bump()
    assert cache.get("page", "k", "v1", lambda: "again") == "one"
    cache.clear()
    assert cache.get("page", "k", "v1", lambda: "again") == "again"


def test_many_threads_hammering_the_cache_raise_nothing_and_get_their_own_values():
    cache = DataCache(recheck_seconds=0.001)

    def hammer(worker: int) -> None:
        for i in range(500):
            key = (worker * 7 + i) % 23
            assert cache.get("page", key, i % 3, lambda k=key, v=i % 3: (k, v), size=4) == (key, i % 3)
            assert cache.remembered("answer", key, lambda k=key: k * 2, size=5) == key * 2
            if i % 50 == worker:
                cache.bump()
            if i % 199 == worker:
                cache.clear()

    assert race(hammer) == []
    assert cache.entries("page") <= 4 and cache.entries("answer") <= 5


@settings(max_examples=200)
@given(st.lists(st.one_of(st.just("write"), st.sampled_from(["a", "b", "c"])), max_size=40))
def test_never_an_answer_from_before_the_last_write(steps):
    """The answer served always comes from work done after the most recent write."""
    cache, writes = DataCache(recheck_seconds=60), 0
    for step in steps:
        if step == "write":
            cache.bump()
            writes += 1
            continue
        served = cache.remembered("n", step, lambda: writes)
        assert served == writes




def test_peek_serves_only_what_remembered_would_serve_and_works_nothing_out():
    cache = DataCache(recheck_seconds=60)
    missing = object()
    assert cache.peek("n", "k", missing) is missing
    cache.remembered("n", "k", lambda: "answer")
    assert cache.peek("n", "k", missing) == "answer"
    cache.bump()
    assert cache.peek("n", "k", missing) is missing
    cache.remembered("n", "k", lambda: "again")
    cache.recheck_seconds = 0
    assert cache.peek("n", "k", missing) is missing


def test_threads_asking_the_same_lapsed_question_at_once_work_it_out_once():
    """An answer lapsing under load (the population's content id costs a scan) is worked out by one thread; the
    others asking meanwhile get its answer."""
    import threading

    cache, calls, gate = DataCache(recheck_seconds=60), [], threading.Event()

    def work():
        calls.append(1)
        gate.wait(5)
        return "answer"

    answers = []
    threads = [threading.Thread(target=lambda: answers.append(cache.remembered("n", "k", work))) for _ in range(8)]
    for t in threads:
        t.start()
    time.sleep(0.2)  # all eight are asking: one working, seven waiting
    gate.set()
    for t in threads:
        t.join(5)
    assert answers == ["answer"] * 8 and len(calls) == 1


def test_a_question_asked_after_a_write_is_not_answered_by_work_started_before_it():
    import threading

    cache, started, gate = DataCache(recheck_seconds=60), threading.Event(), threading.Event()
    before = threading.Thread(target=lambda: cache.remembered("n", "k", lambda: started.set() or gate.wait(5) and "old"))
    before.start()
    started.wait(5)
    cache.bump()  # a write while the old answer is being worked out
    assert cache.remembered("n", "k", lambda: "new") == "new"
    gate.set()
    before.join(5)
    assert cache.remembered("n", "k", lambda: "asked again") == "new"  # the old answer was never remembered


def test_when_the_working_thread_fails_a_waiting_one_works_it_out_itself():
    import threading

    cache, gate, errors = DataCache(recheck_seconds=60), threading.Event(), []

    def failing():
        gate.wait(5)
        raise RuntimeError("warehouse busy")

    def ask():
        try:
            cache.remembered("n", "k", failing)
        except RuntimeError as exc:
            errors.append(exc)

    first = threading.Thread(target=ask)
    first.start()
    time.sleep(0.1)
    second = []
    waiter = threading.Thread(target=lambda: second.append(cache.remembered("n", "k", lambda: "worked here")))
    waiter.start()
    time.sleep(0.1)
    gate.set()
    first.join(5)
    waiter.join(5)
    assert len(errors) == 1 and second == ["worked here"]


def test_a_work_asking_its_own_question_is_answered_not_left_waiting():
    cache = DataCache(recheck_seconds=60)
    assert cache.remembered("n", "k", lambda: cache.remembered("n", "k", lambda: 1) + 1) == 2


def test_a_thread_waits_for_anothers_answer_only_so_long(monkeypatch):
    """Two answers whose work asks for each other in opposite orders would otherwise wait on each other for ever."""
    import threading

    from pophealth import cache as cache_module

    monkeypatch.setattr(cache_module, "FLIGHT_WAIT_SECONDS", 0.1)
    cache, gate, started = DataCache(recheck_seconds=60), threading.Event(), threading.Event()
    slow = threading.Thread(target=lambda: cache.remembered("n", "k", lambda: started.set() or gate.wait(5) and "slow"))
    slow.start()
    started.wait(5)
    t0 = time.monotonic()
    assert cache.remembered("n", "k", lambda: "worked here") == "worked here"
    assert time.monotonic() - t0 < 2
    gate.set()
    slow.join(5)


def test_answers_only_serves_what_is_known_and_refuses_any_work():
    cache = DataCache(recheck_seconds=3600)
    cache.remembered("q", 1, lambda: "known")
    cache.get("v", 1, "v1", lambda: "built")
    worked: list[str] = []
    with answers_only():
        assert cache.remembered("q", 1, lambda: worked.append("q") or "again") == "known"
        assert cache.get("v", 1, "v1", lambda: worked.append("v") or "again") == "built"
        with pytest.raises(WouldWork):
            cache.remembered("q", 2, lambda: worked.append("q2") or "x")
        with pytest.raises(WouldWork):
            cache.get("v", 1, "v2", lambda: worked.append("v2") or "x")
        cache.bump()
        with pytest.raises(WouldWork):  # a lapsed answer is work too
            cache.remembered("q", 1, lambda: worked.append("lapsed") or "x")
    assert worked == []
    assert cache.remembered("q", 2, lambda: "worked") == "worked"  # outside the block: worked out as always
    refuse_work("anything")  # and nothing is refused


def test_answers_only_ends_with_its_block_even_on_error_and_does_not_reach_a_thread_started_after():
    cache = DataCache()
    with pytest.raises(WouldWork):
        with answers_only():
            cache.remembered("q", 1, lambda: "x")
    assert cache.remembered("q", 1, lambda: "x") == "x"
    seen: list[bool] = []
    with answers_only():
        pass
    worker = threading.Thread(target=lambda: seen.append(cache.remembered("q", 9, lambda: True)))
    worker.start()
    worker.join()
    assert seen == [True]


def test_a_thread_started_inside_answers_only_still_works():
    """The refusal is the block's own (a context variable): threads do not inherit it."""
    cache = DataCache()
    seen: list[str] = []
    with answers_only():
        worker = threading.Thread(target=lambda: seen.append(cache.remembered("q", 1, lambda: "worked")))
        worker.start()
        worker.join()
    assert seen == ["worked"]
