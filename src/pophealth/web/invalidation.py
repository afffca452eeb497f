"""Forgetting every remembered answer after the data changed outside a web request.

A command forwarded to the server (a load, ``phm run``, ``users add``) writes through the server's
own database, not through a request, so the security middleware never counts it as a write. After
each such command the server calls ``invalidate_all``: the next page asks the warehouse again, so
it shows the new data at once.
"""

from __future__ import annotations

from typing import Any


def invalidate_all(app: Any) -> None:
    """Empty the app's cache (``pophealth.cache.DataCache``): sessions, data versions and the population are
    asked again and every page part is built again. A command may change data no version query watches
    (the strategy documents, a new table): forgetting everything is the safe answer, and commands are rare."""
    cache = getattr(app.state, "cache", None)
    if cache is not None:
        cache.clear()
