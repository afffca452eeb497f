"""Sorting and paging the tracker: every row appears exactly once, whatever the sort or page size."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pophealth.delivery.listing import SORTS, page_of, sort_rows
from pophealth.delivery.tracker import tracker_rows
from tests.delivery.conftest import rate


@given(st.integers(min_value=0, max_value=120), st.integers(min_value=1, max_value=40))
def test_pages_partition_the_rows(n, size):
    rows = list(range(n))
    pages = page_of(rows, 1, size).pages  # type: ignore[arg-type]
    seen = [r for number in range(1, pages + 1) for r in page_of(rows, number, size).rows]  # type: ignore[arg-type]
    assert seen == rows
    assert page_of(rows, pages + 5, size).number == pages  # type: ignore[arg-type]  # clamped, never empty past the end
    assert page_of(rows, -3, size).number == 1  # type: ignore[arg-type]


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
