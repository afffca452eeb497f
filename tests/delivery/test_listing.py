"""Sorting the tracker: every row appears exactly once, whatever the sort (paging: tests/test_paging.py)."""

from __future__ import annotations

from pophealth.delivery.listing import SORTS, sort_rows
from pophealth.delivery.tracker import tracker_rows
from tests.delivery.conftest import rate


def test_every_sort_is_a_permutation_with_missing_values_last(open_con):
    rate(open_con, "L2.1", "Green")
    rate(open_con, "L2.2", "Red")
    rows = tracker_rows(open_con)
    for key in SORTS:
        for descending in (False, True):
            ordered = sort_rows(rows, key, descending)
            assert sorted(r.action.ref for r in ordered) == sorted(r.action.ref for r in rows)
    by_rag = sort_rows(rows, "rag")
    assert [r.overall_rag for r in by_rag[:2]] == ["Red", "Green"] and by_rag[2].overall_rag is None
    assert [r.overall_rag for r in sort_rows(rows, "rag", True)[:2]] == ["Green", "Red"]
