"""Find a request's route among the routes that could match it, not among all of them.

Starlette tries every route of the app in order until one matches the path. pophealth has about 140 routes
(every page has a JSON twin), and the care team's pages come last, so each of their requests tried about 130
regular expressions first: about 0.15 ms of the one interpreter's time per request, the largest single part of
routing under load.

A route whose path begins with a fixed segment (``/care/...``, ``/api/...``, a mount at ``/static``) can only
match a request whose path begins with that same segment. The index keeps, for each first segment, the routes
with that segment and every route it cannot place (a first segment with a parameter, a route of another kind),
in the app's order. A request is handed to a copy of the app's router holding only those routes, so the first
full match, the first partial match (a known path with another method: 405), the trailing-slash redirect and
the 404 are exactly what the whole list would give: routes left out could never have matched the path.

The index is rebuilt when the app's routes change (a route added after start-up is never missed).
"""

from __future__ import annotations

import copy
from typing import Any

from starlette._utils import get_route_path
from starlette.routing import BaseRoute, Mount, Route, Router
from starlette.types import Receive, Scope, Send


def first_segment(path: str) -> str:
    """``/care/worklists/x`` -> ``care``; ``/`` -> ``""``."""
    return path[1:].split("/", 1)[0] if path.startswith("/") else path.split("/", 1)[0]


def fixed_segment(route: BaseRoute) -> str | None:
    """The fixed first segment every path this route matches begins with, or None when it cannot be said."""
    if not isinstance(route, (Route, Mount)):  # FastAPI's APIRoute is a Route
        return None
    segment = first_segment(route.path)
    if "{" in segment or (isinstance(route, Mount) and segment == ""):  # a parameter, or a mount at the root
        return None
    return segment


class RouteIndex:
    """An ASGI app dispatching to ``router``'s routes through an index by first path segment."""

    def __init__(self, router: Router) -> None:
        self.router = router
        self._built_for: tuple[int, int] | None = None
        self._by_segment: dict[str, Router] = {}
        self._others: Router = router

    def router_for(self, path: str) -> Router:
        """The copy of the router holding the routes a request for ``path`` is matched against, in order."""
        self._rebuild_if_changed()
        return self._by_segment.get(first_segment(path), self._others)

    def candidates(self, path: str) -> list[BaseRoute]:
        return self.router_for(path).routes

    def _rebuild_if_changed(self) -> None:
        routes = self.router.routes
        if self._built_for == (id(routes), len(routes)):
            return
        placed = [(route, fixed_segment(route)) for route in routes]
        segments = {segment for _, segment in placed if segment is not None}
        self._by_segment = {s: self._subset([r for r, seg in placed if seg in (s, None)]) for s in segments}
        self._others = self._subset([r for r, seg in placed if seg is None])
        self._built_for = (id(routes), len(routes))

    def _subset(self, routes: list[BaseRoute]) -> Router:
        sub = copy.copy(self.router)  # same settings (redirect_slashes, default 404), fewer routes
        sub.routes = routes
        return sub

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> Any:
        if scope["type"] != "http":  # lifespan and websockets: as the router would
            return await self.router.app(scope, receive, send)
        scope.setdefault("router", self.router)  # url_for searches every route, not the subset's
        return await self.router_for(get_route_path(scope)).app(scope, receive, send)


def install(router: Router) -> None:
    """Route ``router``'s requests through a ``RouteIndex``. Only where the router's own stack is its plain
    dispatch (no router-level middleware to keep), which is how pophealth builds its app."""
    if router.middleware_stack == router.app:
        router.middleware_stack = RouteIndex(router)
