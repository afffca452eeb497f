"""Sorting and paging the tracker for a list view (the /delivery page and its JSON twin).

Why on the server: the tracker replaces a spreadsheet with 215 actions. The page must filter, sort
and page without JavaScript and stay readable at 320 px, so the browser only ever gets one page of
rows, with links that carry the filters and the sort.
"""

from __future__ import annotations

from pophealth import paging
from pophealth.delivery.records import RAGS
from pophealth.delivery.tracker import TrackerRow

PAGE_SIZE = 25
_RAG_ORDER = {r: i for i, r in enumerate(RAGS)}  # Red first

# sort key -> label; rows with no value for the key sort last whatever the direction
SORTS: dict[str, str] = {
    "plan": "Plan order",
    "ref": "Reference",
    "rag": "Overall RAG (Red first)",
    "due": "Due date",
    "stage": "Stage",
    "change": "Status change",
}


def _value(row: TrackerRow, key: str) -> object:
    if key == "ref":
        return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in row.action.ref.replace("-", ".").split("."))
    if key == "rag":
        return _RAG_ORDER.get(row.overall_rag) if row.overall_rag else None
    if key == "due":
        return row.due
    if key == "stage":
        return row.stage
    if key == "change":
        return row.status_change
    return None


def sort_rows(rows: list[TrackerRow], key: str, descending: bool = False) -> list[TrackerRow]:
    """Rows in the order asked for; unknown keys and "plan" keep the plan's order.

    Rows without a value (unrated, undated, no stage) always come last, so sorting by RAG never
    hides the unrated actions between the rated ones. Ties keep the plan's order.
    """
    if key not in SORTS or key == "plan":
        return list(reversed(rows)) if descending else list(rows)
    present = [r for r in rows if _value(r, key) is not None]
    missing = [r for r in rows if _value(r, key) is None]
    present.sort(key=lambda r: _value(r, key), reverse=descending)  # type: ignore[arg-type, return-value]
    return present + missing


def page_of(rows: list[TrackerRow], number: int, size: int = PAGE_SIZE) -> paging.Page[TrackerRow]:
    """Page ``number`` of the tracker's rows, ``PAGE_SIZE`` to a page (``pophealth.paging``)."""
    return paging.page_of(rows, number, size)
