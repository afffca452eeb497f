"""One page of a long list: which rows, and where the page sits in the whole.

Lists that can run to hundreds of rows (the delivery tracker, the care teams' worklists) are sent to the
browser a page at a time, with links that carry the filters and the sort, so they work without JavaScript,
stay readable at 320 px and, for worklists, show (and log) identifiers only for the people on the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Window:
    """Page ``number`` of ``pages`` over ``total`` rows: rows ``start`` to ``stop`` (0-based, stop excluded)."""

    number: int
    pages: int
    total: int
    start: int
    stop: int

    @property
    def first(self) -> int:
        """1-based position of the first row shown (0 when the list is empty)."""
        return self.start + 1 if self.stop > self.start else 0

    @property
    def last(self) -> int:
        """1-based position of the last row shown (0 when the list is empty)."""
        return self.stop


def window(total: int, number: int, size: int) -> Window:
    """Page ``number`` (1-based, clamped to the pages that exist, so never empty past the end) of ``size`` rows."""
    if size < 1:
        raise ValueError(f"a page holds at least one row, not {size}")
    pages = max(1, -(-total // size))
    number = min(max(1, number), pages)
    start = min((number - 1) * size, total)
    return Window(number=number, pages=pages, total=total, start=start, stop=min(start + size, total))


@dataclass(frozen=True)
class Page(Window, Generic[T]):
    """One page of a list: its rows, and where it sits in the whole (``Window``)."""

    rows: list[T]


def page_of(rows: Sequence[T], number: int, size: int) -> Page[T]:
    """Page ``number`` of ``rows`` (see ``window``)."""
    w = window(len(rows), number, size)
    return Page(number=w.number, pages=w.pages, total=w.total, start=w.start, stop=w.stop,
                rows=list(rows[w.start:w.stop]))


def shown_pages(number: int, pages: int, around: int = 2) -> list[int]:
    """The page numbers to link to: every page of a short list; of a long one (a worklist of thousands) the
    first, the last and ``around`` either side of this one, so the links stay a line, not hundreds."""
    if pages <= 2 * around + 5:
        return list(range(1, pages + 1))
    return sorted({1, pages, *range(max(1, number - around), min(pages, number + around) + 1)})
