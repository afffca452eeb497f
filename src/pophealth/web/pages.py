"""Registering a page once gives an HTML route and its JSON twin, with the role it needs.

A page is a function from the request (and path parameters) to a typed context — a pydantic
model. The HTML route renders the context with a template; ``/api<path>`` returns the same
context as JSON, so every figure on a page can be read by machines and tested without HTML.
"""

from __future__ import annotations

import contextlib
import inspect
import re
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import duckdb
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from pophealth import paging
from pophealth.cache import refuse_work
from pophealth.web.reuse import reused_hit, reused_page

T = TypeVar("T")
Role = Literal["public", "analyst", "action_lead", "care_team", "admin"]


class Crumb(BaseModel):
    text: str
    href: str


class PageLink(BaseModel):
    """A link to another page of the same filtered, sorted list."""

    number: int
    href: str


class Paged(BaseModel):
    """The fields of a page that shows one page of a long list (``pophealth.paging``): the same names in
    every such page and its JSON twin, with links that keep the list's filters and sort."""

    matching: int  # rows in the whole list, after filters
    page_number: int
    pages: int
    first: int  # 1-based position of the first row on this page (0 when empty)
    last: int
    previous: PageLink | None
    next: PageLink | None
    page_links: list[PageLink]


WHOLE_NUMBER = re.compile(r"[0-9]{1,18}")
WRITTEN_HERE_RECHECK_SECONDS = 60.0  # answers only a write through the server changes (the population, its runs,
# care outcomes): the longest such a change made outside the app goes unseen (``written_here``)


def whole_number(text: str) -> int | None:
    """A whole number typed in an address, a query or a form (a page, an age, an id), or None.

    ASCII digits only, at most 18 (a 64-bit id): ``str.isdigit`` also accepts "²" and "０", which ``int``
    refuses (a 500) or reads as 0, and an id longer than 64 bits fails in the warehouse."""
    return int(text) if WHOLE_NUMBER.fullmatch(text) else None


def page_number(text: str) -> int:
    """The page asked for in a query string; anything but a whole number is the first page (``window``
    clamps the rest)."""
    number = whole_number(text)
    return 1 if number is None else number


def paged(window: paging.Window, href: Callable[[int], str]) -> dict[str, Any]:
    """``Paged``'s fields for ``window``; ``href(n)`` is the address of page ``n``."""
    def link(n: int) -> PageLink:
        return PageLink(number=n, href=href(n))

    return {"matching": window.total, "page_number": window.number, "pages": window.pages, "first": window.first,
            "last": window.last, "previous": link(window.number - 1) if window.number > 1 else None,
            "next": link(window.number + 1) if window.number < window.pages else None,
            "page_links": [link(n) for n in paging.shown_pages(window.number, window.pages)]}


class PageContext(BaseModel):
    """What every page carries: title, breadcrumbs, and where its data came from."""

    title: str
    breadcrumbs: list[Crumb] = Field(default_factory=list)
    source: str | None = None
    api_href: str | None = None  # this page's JSON twin
    html_href: str | None = None  # the HTML page the twin belongs to


@dataclass(frozen=True)
class RouteInfo:
    path: str
    methods: tuple[str, ...]
    role: Role


def route_registry(app: FastAPI) -> list[RouteInfo]:
    if not hasattr(app.state, "route_info"):
        app.state.route_info = []
    return app.state.route_info


def declare_route(app: FastAPI, path: str, methods: tuple[str, ...], role: Role) -> None:
    """Record the role a route needs; the security middleware enforces it. Route modules do not call this:
    ``page`` and ``action`` register a route and its role in one step."""
    route_registry(app).append(RouteInfo(path, methods, role))


F = TypeVar("F", bound=Callable[..., Any])
# an HTML page answered by its own handler: (request, linked, **path_params), ``linked`` adds the page's links
HtmlView = Callable[..., Response]


class Routes:
    """A route module's routes, declared by decorators where their handlers are written (``page``, ``action``)
    and added to an app, in the order declared, by ``register(app)``."""

    def __init__(self) -> None:
        self._adds: list[Callable[[FastAPI], None]] = []

    def register(self, app: FastAPI) -> None:
        for add in self._adds:
            add(app)


def page(target: FastAPI | Routes, path: str, template: str, *, role: Role = "public",
         name: str | None = None, reuse: bool = False, html: HtmlView | None = None) -> Callable[[F], F]:
    """Decorate a page builder: ``path`` (HTML, rendered with ``template``) and its ``/api`` JSON twin, for
    ``role``, added to ``target`` (an app at once, or a module's ``Routes`` when it is registered).

    ``reuse``: the rendered page may be served again (``reused_page``). Only for pages whose builder has no
    side effect (no audit row, no write) and reads nothing of the visitor but what the user object gives.
    ``html``: the HTML page is answered by ``html(request, linked, **path_params)`` instead of rendering the
    builder's context (``linked`` adds the page's own links to a context): for a page rendered once and
    filled per view (``holed_page``), whose view has side effects of its own."""
    def decorate(builder: F) -> F:
        _add(target, lambda app: add_page(app, path, template, builder, role=role, name=name, reuse=reuse,
                                          html=html))
        return builder

    return decorate


def action(target: FastAPI | Routes, path: str, *, role: Role, methods: tuple[str, ...] = ("POST",),
           name: str | None = None, **options: Any) -> Callable[[F], F]:
    """Decorate any other handler (a form's POST, a download): the route and the role it needs, in one step.
    Not in the OpenAPI description unless ``include_in_schema=True`` is passed (only page twins are API).

    A handler that blocks (DuckDB, Argon2, files) must be a plain ``def``: FastAPI runs it in its thread
    pool. An ``async def`` handler may only await; blocking work goes through ``run_in_threadpool``."""
    options.setdefault("include_in_schema", False)

    def decorate(handler: F) -> F:
        def add(app: FastAPI) -> None:
            app.add_api_route(path, handler, methods=list(methods), name=name, **options)
            declare_route(app, path, tuple(methods), role)

        _add(target, add)
        return handler

    return decorate


def _add(target: FastAPI | Routes, add: Callable[[FastAPI], None]) -> None:
    if isinstance(target, Routes):
        target._adds.append(add)
    else:
        add(target)


def cursor(request: Request):
    """A cursor on the app's warehouse connection, for one request (close it when done)."""
    return request.app.state.con.cursor()


class _CursorOnUse:
    """A warehouse cursor opened when first used, for a view usually answered from the app's cache: under load
    at 50 care-team clients, opening cursors such views never used took 3% of the interpreter's time."""

    def __init__(self, request: Request) -> None:
        self._request = request
        self._con: duckdb.DuckDBPyConnection | None = None

    def __getattr__(self, name: str) -> Any:
        if self._con is None:
            refuse_work("warehouse cursor")
            self._con = cursor(self._request)
        return getattr(self._con, name)

    def close(self) -> None:
        if self._con is not None:
            self._con.close()


@contextlib.contextmanager
def warehouse(request: Request, *, on_use: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor for the length of a block. Every route uses the app's one connection: DuckDB refuses
    a second connection to the same file with other settings (e.g. read-only). ``on_use``: opened only when
    the block first uses it (for views mostly answered from the cache)."""
    con = _CursorOnUse(request) if on_use else cursor(request)
    try:
        yield con  # type: ignore[misc]  # the cursor itself, once used
    finally:
        con.close()


def cached(request: Request, name: str, key: Hashable, version_sql: str,
           build: Callable[[duckdb.DuckDBPyConnection], T], *, size: int = 64,
           admit: Callable[[T], bool] = lambda _: True) -> T:
    """``build(con)``, remembered until the data behind it changes (the app's ``DataCache``).

    Pages such as a place profile or the delivery tracker are read far more often than their data
    changes; ``version_sql`` is a cheap query whose answer changes whenever that data does (a row
    count, a latest load time, a change-log id), and it is part of the cache key. It is asked again
    only after a write or a second (``DataCache.remembered``), not on every request.

    A key that comes from the visitor (``?period=``) is kept only when ``admit(value)`` says it is a
    real one, so made-up values are answered but cannot push real pages out of the cache.
    """
    cache = request.app.state.cache
    version = data_version(request, version_sql)

    def build_now() -> T:
        with warehouse(request) as con:
            return build(con)

    return cache.get(name, key, version, build_now, size=size, admit=admit)


def data_version(request: Request, version_sql: str) -> tuple:
    """The answer to ``version_sql``, asked again only after a write or ``recheck_seconds``."""
    def ask() -> tuple:
        with warehouse(request) as con:
            return con.execute(version_sql).fetchone()

    return request.app.state.cache.remembered("data version", version_sql, ask)


def population_content(request: Request) -> str:
    """The patient-level population's content id (``warehouse.versions``), remembered until the next write the
    app knows of, and a minute at most. The server holds the warehouse's lock, so the population changes only
    through it (a load, ``synth`` forwarded to it), and every such write ends the answer at once. The id hashes
    every person row: about 0.1 s of both cores at the full 1.1 million, which a one-second recheck would
    spend every second a care team is using the service."""
    from pophealth.warehouse.versions import population_content_id

    def ask() -> str:
        with warehouse(request) as con:
            return population_content_id(con)[0]

    return request.app.state.cache.remembered("population content", None, ask,
                                              recheck_seconds=written_here(request))


def written_here(request: Request) -> float:
    """The recheck time of an answer that only a write through this server changes (the population, its runs, a
    care team's outcomes): every such write ends it at once, so it is asked again a minute later at most, not
    every second. When 50 care-team views a second all found the latest runs lapsed at once, they all went to
    the thread pool together, every second."""
    return max(request.app.state.cache.recheck_seconds, WRITTEN_HERE_RECHECK_SECONDS)


def add_page(
    app: FastAPI,
    path: str,
    template: str,
    builder: Callable[..., PageContext],
    *,
    role: Role = "public",
    name: str | None = None,
    reuse: bool = False,
    html: HtmlView | None = None,
) -> None:
    """Add ``path`` (HTML) and ``/api`` + ``path`` (JSON) built by ``builder(request, **path_params)``."""
    api_path = "/api" + (path if path != "/" else "")

    # Plain functions, not coroutines: builders query DuckDB (blocking), so FastAPI runs them in its
    # thread pool and concurrent requests proceed in parallel, each on its own cursor.
    def links(request: Request, context: PageContext) -> PageContext:
        # from the page's own two routes: request.url_for would search every route of the app, twice a page
        context.api_href = str(routes["api"].url_path_for(f"{name or path}:api", **request.path_params))
        context.html_href = str(routes["html"].url_path_for(name or path, **request.path_params))
        return context

    def rendered(request: Request) -> HTMLResponse:
        return render(request, template, links(request, builder(request, **request.path_params)))

    def viewed(request: Request) -> Response:
        return html(request, lambda context: links(request, context), **request.path_params)

    async def viewed_soon(request: Request) -> Response:
        # an ``html`` coroutine answers on the event loop what it can without blocking (``cache.answers_only``)
        # and hands the rest to the thread pool itself
        return await html(request, lambda context: links(request, context), **request.path_params)

    async def reused_html(request: Request) -> HTMLResponse:
        # a page rendered moments ago is answered on the event loop (a lookup under the cache's lock); only
        # building and rendering it go to the thread pool
        hit = reused_hit(request)
        if hit is not None:
            return hit
        return await run_in_threadpool(
            reused_page, request, template, lambda: links(request, builder(request, **request.path_params)))

    def api(request: Request) -> JSONResponse:
        context = links(request, builder(request, **request.path_params))
        return JSONResponse(context.model_dump(mode="json"))

    model = _context_model(builder)
    routes: dict[str, Any] = {}
    viewed_html = (viewed_soon if inspect.iscoroutinefunction(html) else viewed) if html else None
    app.add_api_route(path, viewed_html or (reused_html if reuse else rendered), methods=["GET"], response_class=HTMLResponse, name=name or path,
                      include_in_schema=False)
    routes["html"] = app.router.routes[-1]
    # The twin's schema is its context model (serialised: markup fields are excluded), so the OpenAPI
    # document says what every /api response holds; tests validate the demo's answers against it.
    app.add_api_route(api_path, api, methods=["GET"], name=f"{name or path}:api", response_model=model,
                      summary=f"JSON twin of {path}", tags=[_tag(path)],
                      responses={401: {"model": ErrorBody, "description": "Not signed in"},
                                 403: {"model": ErrorBody, "description": "The role does not allow this page"},
                                 404: {"model": ErrorBody, "description": "Nothing by that name"}})
    routes["api"] = app.router.routes[-1]
    registry = route_registry(app)
    registry.append(RouteInfo(path, ("GET",), role))
    registry.append(RouteInfo(api_path, ("GET",), role))


class ErrorDetail(BaseModel):
    status: int
    message: str


class ErrorBody(BaseModel):
    """Every /api error: ``{"error": {"status", "message"}}``."""

    error: ErrorDetail


def _context_model(builder: Callable[..., PageContext]) -> type[PageContext]:
    """The page's context model, from the builder's return annotation (PageContext if it has none)."""
    import typing

    try:
        model = typing.get_type_hints(builder).get("return")
    except (NameError, TypeError):
        model = None
    return model if isinstance(model, type) and issubclass(model, PageContext) else PageContext


def _tag(path: str) -> str:
    first = path.strip("/").split("/")[0]
    return first or "home"


def render(request: Request, template: str, context: PageContext, status_code: int = 200) -> HTMLResponse:
    env = request.app.state.jinja
    body = env.get_template(template).render(
        page=context, request=request, nav=request.app.state.nav,
        user=getattr(request.state, "user", None), csrf_token=getattr(request.state, "csrf_token", ""),
    )
    return HTMLResponse(body, status_code=status_code)
