"""Loading, meetings, memberships and level decisions: idempotent, logged, history kept."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pophealth.boards import reviews, store
from pophealth.strategy.boards_models import Level, Person
from pophealth.delivery.governance import list_governance
from pophealth.errors import ConflictError, InputError, NotFoundError


def test_loading_twice_adds_nothing_and_keeps_edits(con):
    store.edit_person(con, "david-sissling", name="David Sissling", organisation="icb", username=None, who="admin")
    store.rename_organisation(con, "uhl", "University Hospitals of Leicester NHS Trust (renamed)", "UHL", "admin")
    assert store.load_shipped(con) == {"organisations": 0, "boards": 0, "people": 0, "memberships": 0}
    names = {o["org_id"]: o["name"] for o in store.list_organisations(con)}
    assert names["uhl"].endswith("(renamed)")
    log = store.changes(con, "organisation", "uhl")
    assert log[-1]["who"] == "admin" and log[-1]["before"]["name"] == "University Hospitals of Leicester NHS Trust"


def test_meetings_are_per_board_and_date(con):
    m = store.add_meeting(con, "leicestershire-hwb", dt.date(2025, 3, 27), "admin", demo=True)
    assert m.meeting_id == "leicestershire-hwb-2025-03-27" and m.demo
    with pytest.raises(ConflictError):
        store.add_meeting(con, "leicestershire-hwb", dt.date(2025, 3, 27), "admin")
    with pytest.raises(NotFoundError):
        store.add_meeting(con, "no-such-board", dt.date(2025, 3, 27), "admin")
    later = store.add_meeting(con, "leicestershire-hwb", dt.date(2025, 6, 26), "admin", demo=True)
    assert store.previous_meeting(con, later) == m
    assert store.previous_meeting(con, m) is None
    assert [x.meeting_id for x in store.list_meetings(con, include_demo=False)] == []
    store.remove_meeting(con, later.meeting_id, "admin")
    assert store.changes(con, "meeting", later.meeting_id)[-1]["after"] is None


def test_a_real_meeting_never_follows_a_demonstration_one(con):
    store.add_meeting(con, "icb-board", dt.date(2025, 1, 9), "demo", demo=True)
    real = store.add_meeting(con, "icb-board", dt.date(2025, 3, 6), "admin")
    assert store.previous_meeting(con, real) is None


def test_memberships_end_rather_than_vanish(con):
    store.add_person(con, Person(id="a-member", name="A Member", organisation="lpt"), "admin")
    mid = store.add_membership(con, "leicestershire-hwb", "a-member", "Member", dt.date(2024, 4, 1), "admin")
    store.end_membership(con, mid, dt.date(2025, 3, 31), "admin")
    seat = [m for m in store.memberships(con, person_id="a-member")][0]
    assert seat.ends == dt.date(2025, 3, 31)
    assert store.current_on(seat, dt.date(2024, 12, 1)) and not store.current_on(seat, dt.date(2025, 4, 1))
    with pytest.raises(ConflictError):
        store.end_membership(con, mid, dt.date(2025, 4, 1), "admin")
    with pytest.raises(InputError):
        store.add_membership(con, "leicestershire-hwb", "a-member", "  ", dt.date(2024, 4, 1), "admin")


def test_a_person_is_linked_only_to_an_account_that_exists(con):
    with pytest.raises(NotFoundError):
        store.edit_person(con, "david-sissling", name="David Sissling", organisation="icb", username="nobody", who="a")


def test_a_level_decision_is_kept_and_drives_the_tracker(con):
    pid = "jhws:school-readiness"
    store.set_level(con, priority_id=pid, level="sponsor", board_id="leicestershire-hwb", reason="Board decision",
                    decided_on=dt.date(2024, 6, 1), who="admin", officer_person_id="cllr-louise-richardson")
    store.set_level(con, priority_id=pid, level="do", board_id="leicestershire-hwb", reason="Raised to Do",
                    decided_on=dt.date(2025, 1, 15), who="admin")
    assert [lv.level for lv in store.level_history(con, pid)] == ["sponsor", "do"]
    assert store.current_levels(con)[pid].reason == "Raised to Do"
    g = next(g for g in list_governance(con) if g.priority_id == pid)
    assert (g.level, g.board, g.last_reviewed) == ("do", "Leicestershire Health and Wellbeing Board", dt.date(2025, 1, 15))
    with pytest.raises(ValueError):  # a reason is required
        store.set_level(con, priority_id=pid, level="watch", board_id="leicestershire-hwb", reason=" ",
                        decided_on=dt.date(2025, 2, 1), who="admin")
    with pytest.raises(NotFoundError):
        store.set_level(con, priority_id="jhws:nothing", level="do", board_id="leicestershire-hwb", reason="x",
                        decided_on=dt.date(2025, 2, 1), who="admin")


def _level(kind: str, day: dt.date) -> Level:
    return Level(priority_id="p", level=kind, board_id="b", reason="r", decided_on=day, set_by="a",
                 set_at=dt.datetime(2024, 1, 1))


def test_review_tasks_follow_seed_002():
    day = dt.date(2024, 2, 29)
    sponsor = reviews.tasks_for(_level("sponsor", day), dt.date(2025, 3, 1))
    assert [(t.task, t.due, t.overdue) for t in sponsor] == [
        (reviews.ANNUAL["sponsor"], dt.date(2025, 2, 28), True), (reviews.GATEWAY, dt.date(2027, 2, 28), False)]
    assert [t.task for t in reviews.tasks_for(_level("do", day), day)] == [reviews.GATEWAY]


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31)),
       st.sampled_from(["do", "sponsor", "watch"]))
def test_every_task_falls_within_a_few_days_of_its_anniversary(day, kind):
    for t in reviews.tasks_for(_level(kind, day), day):
        years = 1 if t.task in reviews.ANNUAL.values() else 3
        assert abs((t.due - day).days - 365.25 * years) <= 2
        assert not t.overdue  # nothing is overdue on the day it is decided
