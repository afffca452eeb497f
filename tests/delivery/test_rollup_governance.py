"""Roll-up rule (worst of the rated actions) and the review cycle."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from pophealth.delivery.governance import annual_review_list, next_gateway, review_gateways, set_governance
from pophealth.delivery.records import Governance
from pophealth.delivery.rollup import rollup, worst
from pophealth.delivery.tracker import tracker_rows
from tests.delivery.conftest import rate


@given(st.lists(st.sampled_from(["Red", "Amber", "Green"])))
def test_worst_of(ratings):
    expected = "Red" if "Red" in ratings else "Amber" if "Amber" in ratings else "Green" if ratings else "Not rated"
    assert worst(ratings) == expected


def test_rollup_by_priority_and_pledge(open_con):
    rate(open_con, "L2.1", "Green")
    rate(open_con, "L2.2", "Amber")
    groups = {g.key: g for g in rollup(tracker_rows(open_con), "priority")}
    l2 = groups["leicester:L2"]
    # two of four rated: no colour may stand for the two unrated actions
    assert (l2.actions, l2.green, l2.amber, l2.not_rated, l2.rag) == (4, 1, 1, 2, "Not fully rated")
    assert (l2.rated, l2.rated_share, l2.worst_rated, l2.rated_text) == (2, 0.5, "Amber", "2 of 4 rated (50%)")
    pledges = {g.key: g for g in rollup(tracker_rows(open_con), "pledge")}
    assert pledges["4"].amber == 1  # Leicester L2 is linked to pledge 4


def test_jhws_review_gateways_every_three_years():
    assert review_gateways() == [2025, 2028, 2031]  # seed 002: 2022-2032, gateways on a 3-year cycle
    assert next_gateway(date(2026, 1, 1)) == 2028


def test_annual_review_list(con):
    set_governance(con, Governance(priority_id="jhws:improved-mental-health", level="sponsor", officer="A Sponsor",
                                   board="Leicestershire Health and Wellbeing Board", last_reviewed=date(2024, 1, 1)), "T")
    set_governance(con, Governance(priority_id="jhws:effective-transitions", level="watch",
                                   board="Leicestershire Health and Wellbeing Board", last_reviewed=date(2025, 6, 1)), "T")
    due = [g.priority_id for g in annual_review_list(con, date(2025, 9, 1))]
    assert due == ["jhws:improved-mental-health"]  # reviewed over a year ago; "do" priorities are never listed
