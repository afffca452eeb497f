"""The published roll-up rule (docs/delivery-tracking.md): a colour never hides unrated or overdue work."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pophealth.delivery.rollup import rollup, rollup_status
from pophealth.delivery.tracker import tracker_rows
from tests.delivery.conftest import rate

# One action: (rating or None, complete?, overdue?)
ACTION = st.tuples(st.sampled_from([None, "Red", "Amber", "Green"]), st.booleans(), st.booleans())


def _status(actions: list[tuple[str | None, bool, bool]]) -> str:
    return rollup_status(actions=len(actions), rated=[r for r, _, _ in actions if r],
                         unrated_open=sum(1 for r, done, _ in actions if r is None and not done),
                         overdue=sum(1 for _, _, late in actions if late))


@given(st.lists(ACTION, max_size=12))
def test_a_colour_never_hides_unrated_or_overdue_work(actions):
    status = _status(actions)
    ratings = [r for r, _, _ in actions if r]
    if "Red" in ratings:
        assert status == "Red"  # unrated work cannot make a Red group better
    if status == "Green":
        assert all(r for r, done, _ in actions if not done), "Green with an open unrated action"
        assert not any(late for _, _, late in actions), "Green with overdue work"
        assert set(ratings) == {"Green"}
    if status == "Amber":
        assert all(r for r, done, _ in actions if not done) and "Red" not in ratings
    if not actions:
        assert status == "No actions"
    elif not ratings:
        assert status == "Not rated"


def test_the_issue_example_six_of_seven_unrated_and_four_overdue_is_not_green():
    actions = [("Green", False, False)] + [(None, False, i < 4) for i in range(6)]
    assert _status(actions) == "Not fully rated"


def test_every_action_rated_green_but_one_overdue_is_amber():
    assert _status([("Green", False, False), ("Green", False, True)]) == "Amber"
    assert _status([("Green", False, False), ("Green", True, False)]) == "Green"


def test_complete_unrated_actions_do_not_block_a_colour():
    assert _status([("Green", False, False), (None, True, False)]) == "Green"


def test_every_named_group_is_reported_even_without_actions(open_con):
    rate(open_con, "L2.1", "Green")
    groups = rollup(tracker_rows(open_con), "pledge", [(str(n), f"Pledge {n}") for n in range(1, 14)])
    keys = [int(g.key) for g in groups]
    assert set(range(1, 14)) <= set(keys) and keys == sorted(keys)
    for g in groups:
        if g.actions == 0:
            assert (g.rag, g.rated_share, g.rated_text) == ("No actions", None, "no actions")


def test_shares_and_counts_add_up(open_con):
    rate(open_con, "L2.1", "Green")
    rate(open_con, "L2.2", "Red")
    for g in rollup(tracker_rows(open_con), "theme"):
        assert g.rated + g.not_rated == g.actions
        assert g.red + g.amber + g.green == g.rated
        assert g.unrated_open <= g.not_rated and g.overdue <= g.actions
        if g.actions:
            assert g.rated_share == round(g.rated / g.actions, 4)
