"""Forgetting every remembered answer after the data changed outside a web request.

A command forwarded to the server (a load, ``phm run``, ``users add``) writes through the server's
own database, not through a request, so the security middleware never counts it as a write. After
each such command the server calls ``invalidate_all``: the next page asks the warehouse again, so
it shows the new data at once. One function, so a data-version cache can join it later.
"""

from __future__ import annotations

from typing import Any


def invalidate_all(app: Any) -> None:
    """Drop the app's remembered answers: sessions and data versions (``Freshness``), cached pages."""
    freshness = getattr(app.state, "freshness", None)
    if freshness is not None:
        freshness.wrote()
    pages = app.state.__dict__.get("_page_cache")
    if pages is not None:
        for store in list(pages.values()):
            store.clear()
