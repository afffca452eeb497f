"""Creating the FastAPI application."""

from __future__ import annotations

import functools
import os
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from importlib import resources
from starlette.exceptions import HTTPException as StarletteHTTPException

from pophealth.config import assets_dir, db_path
from pophealth.errors import ConflictError, NotFoundError, PermissionDenied, PophealthError
from pophealth.access.audit import AuditWriter
from pophealth.care.identity_store import store_path
from pophealth.cache import DataCache
from pophealth.access.sso import SsoClient, SsoSettings
from pophealth.settings import Settings, current
from pophealth.web import route_index
from pophealth.web.pages import PageContext, action, declare_route, render, route_registry
from pophealth.web.templating import make_environment
from pophealth.web.view_log import ViewLog

WEB_THREADS_PER_CORE = 4  # the default of POPHEALTH_WEB_THREADS (``_limit_threads``)
NAV = [
    ("Pledges", "/pledges"),
    ("Measures", "/measures"),
    ("Delivery priorities", "/delivery-priorities"),
    ("Areas of focus", "/focuses"),
    ("Leicestershire JHWS", "/jhws"),
    ("Leicester plan", "/leicester"),
    ("Places", "/places"),
    ("Delivery tracker", "/delivery"),
    ("Boards", "/boards"),
]


def create_app(db: Path | str | None = None, *, strategy_dir: Path | str | None = None,
               settings: Settings | None = None) -> FastAPI:
    """The web app over the warehouse ``db`` and the strategy folder (default: shipped LLR).

    ``settings`` (default: the active ones, i.e. the environment) are built once and kept in
    ``app.state.settings``; ``db`` and ``strategy_dir`` override theirs."""
    from pophealth.strategy import load_strategy
    from pophealth.web.routes import measure_rebases as measure_rebase_routes
    from pophealth.web.routes import measures as measures_routes
    from pophealth.warehouse import connect
    from pophealth.web.routes import account as account_routes
    from pophealth.web.routes import accounts_admin as accounts_admin_routes
    from pophealth.web.routes import audit_search as audit_search_routes
    from pophealth.web.routes import care as care_routes
    from pophealth.web.routes import care_actions as care_action_routes
    from pophealth.web.routes import indicators as indicator_routes
    from pophealth.web.routes import own_indicators as own_indicator_routes
    from pophealth.web.routes import delivery as delivery_routes
    from pophealth.web.routes import delivery_risks as delivery_risk_routes
    from pophealth.web.routes import action_plan as action_plan_routes
    from pophealth.web.routes import boards as boards_routes
    from pophealth.web.routes import insight as insight_routes
    from pophealth.web.routes import delivery_resources as delivery_resource_routes
    from pophealth.web.routes import phm as phm_routes
    from pophealth.web.routes import strategy as strategy_routes
    from pophealth.web.security import SecurityMiddleware

    # no Swagger UI: it loads its script from a CDN without integrity; /api/docs lists the API from this site
    # no OpenTelemetry: pophealth exports none, and FastAPI's native hooks asked the global providers
    # whether to record on every request (about 6% of a page's server time)
    app = FastAPI(title="pophealth", docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json", swagger_ui_oauth2_redirect_url=None,
                  telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False})
    base = settings or current()
    app.state.settings = settings = base.model_copy(update={k: Path(v) for k, v in (
        ("db", db), ("strategy", strategy_dir)) if v})
    app.state.db = db_path(db) if db else settings.db
    app.state.con = connect(app.state.db)  # one connection; each request takes its own cursor
    app.state.strategy = load_strategy(settings.strategy)
    app.state.jinja = make_environment()
    app.state.cache = DataCache()  # sessions, data versions, built pages, care results: one lock, one bound
    app.state.audit = AuditWriter(app.state.con)  # patient-level reads, appended with group commit
    app.state.views = ViewLog(app.state.audit, None if str(app.state.db) == ":memory:" else store_path(app.state.db))
    app.state.web_threads = settings.web_threads or WEB_THREADS_PER_CORE * (os.cpu_count() or 1)
    app.router.on_startup.append(functools.partial(_limit_threads, app.state.web_threads))
    sso = SsoSettings.from_settings(settings)
    app.state.sso = SsoClient(sso) if sso else None
    app.state.nav = NAV
    route_registry(app)

    assets = assets_dir()
    if assets.is_dir():
        app.mount("/assets", StaticFiles(directory=assets), name="assets")
    app.mount("/static", StaticFiles(directory=str(resources.files("pophealth.web") / "static")), name="static")

    strategy_routes.register(app)
    measures_routes.register(app)
    measure_rebase_routes.register(app)
    account_routes.register(app)
    accounts_admin_routes.register(app)
    indicator_routes.register(app)
    own_indicator_routes.register(app)
    phm_routes.register(app)
    action(app, "/api/docs", role="public", methods=("GET",))(_api_docs)
    declare_route(app, "/api/openapi.json", ("GET",), "public")  # FastAPI's own route
    app.add_middleware(SecurityMiddleware, fastapi_app=app)
    delivery_routes.register(app)
    delivery_risk_routes.register(app)
    action_plan_routes.register(app)
    boards_routes.register(app)
    insight_routes.register(app)
    delivery_resource_routes.register(app)
    care_routes.register(app)
    care_action_routes.register(app)
    audit_search_routes.register(app)
    _add_error_handlers(app)
    route_index.install(app.router)  # a request tries only the routes that could match its path
    return app


async def _limit_threads(threads: int) -> None:
    """How many requests' blocking work (page building, warehouse queries) runs at once in worker threads.

    Why not the default 40: the work is mostly Python, so all threads take turns on one interpreter lock, and
    forty of them contending (with the event loop that reads requests and sends answers) cost more than they
    gave. With 50 care-team clients on 2 cores, 8 threads served 350-390 requests/s at p95 190-220 ms against
    305-365 and 250-310 ms with 40 (alternating runs; 4 to 12 threads were all alike). Warehouse queries
    release the lock, so 4 per core still lets queries run side by side."""
    import anyio.to_thread

    anyio.to_thread.current_default_thread_limiter().total_tokens = threads


def _api_docs(request: Request) -> HTMLResponse:
    """The JSON API's addresses, from the OpenAPI description, on a page with no script at all."""
    from html import escape

    spec = request.app.openapi()
    rows = "".join(f"<tr><td>{escape(m.upper())}</td><td><code>{escape(p)}</code></td>"
                   f"<td>{escape(str(op.get('summary', '')))}</td></tr>"
                   for p, ops in sorted(spec.get("paths", {}).items()) for m, op in ops.items())
    return HTMLResponse(
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>pophealth API</title>"
        "<link rel='stylesheet' href='/assets/nhsuk-frontend.min.css'></head><body><div class='nhsuk-width-container'>"
        "<main class='nhsuk-main-wrapper' id='maincontent'><h1>pophealth JSON API</h1>"
        "<p>Every page has a JSON twin under <code>/api</code>. The full description is "
        "<a href='/api/openapi.json'>/api/openapi.json</a> (OpenAPI).</p>"
        f"<table class='nhsuk-table'><thead><tr><th>Method</th><th>Address</th><th>What</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></main></div></body></html>")


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api")


def _add_error_handlers(app: FastAPI) -> None:
    """One error shape for the whole app: ``{"error": {"status", "message"}}`` or an NHS.UK error page."""

    def respond(request: Request, status: int, message: str):
        if _wants_json(request):
            return JSONResponse({"error": {"status": status, "message": message}}, status_code=status)
        title = {404: "Page not found", 403: "You do not have access to this page",
                 409: "Someone else saved a change first"}.get(status, "Sorry, there is a problem")
        return render(request, "error.jinja", PageContext(title=title, source=message), status_code=status)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        return respond(request, exc.status_code, str(exc.detail))

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, exc: NotFoundError):
        return respond(request, 404, exc.message)

    @app.exception_handler(PermissionDenied)
    async def denied(request: Request, exc: PermissionDenied):
        return respond(request, 403, exc.message)

    @app.exception_handler(ConflictError)
    async def conflict(request: Request, exc: ConflictError):
        """Someone else changed the record first: 409, with what to do next."""
        return respond(request, 409, exc.message + (f" ({exc.hint})" if exc.hint else ""))

    @app.exception_handler(PophealthError)
    async def user_error(request: Request, exc: PophealthError):
        return respond(request, 400, exc.message)

    @app.exception_handler(Exception)
    async def failure(request: Request, exc: Exception):
        """Any failure: the normal error page (no traceback), and on patient-level routes an audit row, so an
        odd request that broke something is on the record like any other read."""
        path = request.url.path
        user = getattr(request.state, "user", None)
        if path.startswith(("/care", "/api/care")) and user is not None and user.role == "care_team":
            from starlette.concurrency import run_in_threadpool

            def audit() -> None:
                request.app.state.audit.record(user, method=request.method, route=path[:200], scope=user.scope,
                                               detail=f"failed: {type(exc).__name__}")

            try:
                await run_in_threadpool(audit)
            except Exception:  # noqa: BLE001 - the answer must still be the error page
                pass
        return respond(request, 500, "Sorry, there is a problem with the service; please try again later")

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        return respond(request, 422, "The request was not valid: " + "; ".join(e["msg"] for e in exc.errors()))
