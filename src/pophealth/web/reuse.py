"""Pages rendered once and served to many: reused pages and holed pages.

Both are rendered with holes (``web.holes``) where the visitor's own name and form token go, filled per
request (``view_values``); the template is given a ``ShownUser``, which has only the role and the name's hole.

- **Reused pages** (``@page(..., reuse=True)``; ``reused_page``): the strategy, measure, place and tracker pages
  are read many times a minute and change a few times a day, and rendering was most of their cost. One is kept
  per address and role as a remembered answer of the app's cache: until the next write the app knows of, a
  second at most. Only for builders with no side effect.
- **Holed pages** (``holed_page``): a page whose every view has side effects of its own (a care-team worklist:
  identities read, audit and disclosure rows written) is rendered once for everyone who may see it alike,
  with holes for what differs between views; the route keeps it and fills it (``page(..., html=...)``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from pophealth.web.holes import Holed, Key, hole

REUSED = "rendered page"
REUSED_PAGES = 256
_PERSONAL = object()  # the shared entry of a page whose builder read who the visitor is


@dataclass(frozen=True)
class ShownUser:
    """What a shared page's template may show of the signed-in user: the role, and a hole for the name.
    Templates read nothing else of ``user`` (``tests/web/test_reused_pages.py`` checks every template)."""

    role: str
    display_name: str = hole("user_name")


class WatchedUser:
    """The signed-in user as a reusable page's builder sees it. The page is shared by everyone of the same
    role unless the builder reads anything but the role (a username for an edit right, a practice); then it
    is kept for that user alone."""

    def __init__(self, user: Any) -> None:
        object.__setattr__(self, "_user", user)
        object.__setattr__(self, "personal", False)

    def __getattr__(self, attribute: str) -> Any:
        if attribute != "role":
            object.__setattr__(self, "personal", True)
        return getattr(object.__getattribute__(self, "_user"), attribute)


def holed_page(request: Request, template: str, context: Any) -> Holed:
    """The page rendered with holes for the visitor's name and form token (``view_values`` fills them), and
    whatever holes the context's own markup carries."""
    user = getattr(request.state, "user", None)
    return Holed(request.app.state.jinja.get_template(template).render(
        page=context, request=request, nav=request.app.state.nav,
        user=ShownUser(user.role) if user else None, csrf_token=hole("csrf_token")))


def view_values(request: Request) -> dict[Key, str]:
    """The visitor's own values for a shared page's name and form token holes."""
    user = getattr(request.state, "user", None)
    return {("user_name", None): user.display_name if user else "",
            ("csrf_token", None): getattr(request.state, "csrf_token", "")}


def _reused_key(request: Request) -> tuple:
    user = getattr(request.state, "user", None)
    return (request.url.path, request.url.query, user.role if user else None)  # None: not signed in


def reused_hit(request: Request) -> HTMLResponse | None:
    """The page as rendered moments ago for this address and role (or this user), or None. Never works
    anything out: safe on the event loop."""
    cache, key = request.app.state.cache, _reused_key(request)
    holed = cache.peek(REUSED, key)
    if holed is _PERSONAL:
        holed = cache.peek(REUSED, (*key, request.state.user.username))
    return HTMLResponse(holed.fill(view_values(request))) if holed is not None else None


def reused_page(request: Request, template: str, build: Callable[[], Any]) -> HTMLResponse:
    """The page as rendered moments ago for the same address, role (and, if its builder asked who the visitor
    is, the same user), else built and rendered now: a remembered answer of the app's cache, served until the
    next write the app knows of (``DataCache.bump``) and ``recheck_seconds`` at most."""
    hit = reused_hit(request)
    if hit is not None:
        return hit
    cache, key = request.app.state.cache, _reused_key(request)
    user = getattr(request.state, "user", None)
    stamp = cache.stamp()
    watched = WatchedUser(user) if user else None
    request.state.user = watched
    try:
        context = build()
    finally:
        request.state.user = user
    holed = holed_page(request, template, context)
    if watched is not None and watched.personal:
        cache.remember(REUSED, key, _PERSONAL, stamp, size=REUSED_PAGES)
        key = (*key, user.username)
    cache.remember(REUSED, key, holed, stamp, size=REUSED_PAGES)
    return HTMLResponse(holed.fill(view_values(request)))
