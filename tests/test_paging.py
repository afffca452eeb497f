"""Paging a long list: the pages partition the rows, whatever the size, and a page past either end is clamped."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pophealth.paging import page_of, shown_pages, window


@given(st.integers(min_value=0, max_value=300), st.integers(min_value=1, max_value=60))
def test_pages_partition_the_rows(n, size):
    rows = list(range(n))
    pages = page_of(rows, 1, size).pages
    assert pages == max(1, -(-n // size))
    seen = [r for number in range(1, pages + 1) for r in page_of(rows, number, size).rows]
    assert seen == rows
    for number in range(1, pages + 1):
        page = page_of(rows, number, size)
        # first and last are the 1-based positions of the page's own rows
        assert page.rows == rows[page.first - 1:page.last] if page.rows else page.first == page.last == 0
        assert len(page.rows) == (size if number < pages else n - size * (pages - 1))


@given(st.integers(min_value=0, max_value=300), st.integers(min_value=1, max_value=60), st.integers())
def test_a_page_past_either_end_is_clamped(n, size, asked):
    w = window(n, asked, size)
    assert 1 <= w.number <= w.pages
    assert w.number == (1 if asked < 1 else min(asked, w.pages))
    assert 0 <= w.start <= w.stop <= n


def test_a_page_holds_at_least_one_row():
    with pytest.raises(ValueError, match="at least one row"):
        window(10, 1, 0)


@given(st.integers(min_value=1, max_value=500), st.data())
def test_the_links_of_a_long_list_keep_first_last_and_neighbours(pages, data):
    number = data.draw(st.integers(min_value=1, max_value=pages))
    shown = shown_pages(number, pages)
    assert shown == sorted(set(shown)) and {1, number, pages} <= set(shown)
    assert all(n in shown for n in range(max(1, number - 2), min(pages, number + 2) + 1))
    assert len(shown) <= 9  # a line of links, however long the list
    if pages <= 9:
        assert shown == list(range(1, pages + 1))
