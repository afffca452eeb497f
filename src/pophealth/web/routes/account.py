"""Signing in (with a local account or single sign-on) and out, and the admin view of the audit log."""

from __future__ import annotations

import csv
import io

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from pophealth.cells import csv_row
from pophealth.access.audit import audit_rows, verify_chain
from pophealth.access.sessions import LIFETIME, SESSION_COOKIE, Session, create_session, end_session
from pophealth.access.sso import PENDING_FOR, SsoClient
from pophealth.access.users import authenticate
from pophealth.errors import NotFoundError, PermissionDenied
from pophealth.web.pages import Crumb, PageContext, cursor, render, Routes, action, page

routes = Routes()  # this module's pages and actions, added to the app by register()

HOME = Crumb(text="Home", href="/")
SSO_COOKIE = "pophealth_sso"


class FieldError(BaseModel):
    field: str
    message: str


class LoginPage(PageContext):
    username: str = ""
    next: str = "/"
    errors: list[FieldError] = []
    sso_label: str | None = None  # single sign-on offered: the button's text


class AuditPage(PageContext):
    chain_intact: bool
    rows: list[dict]


def _safe_next(value: str | None) -> str:
    """Only same-site paths, so the sign-in form cannot be used to send people elsewhere."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


def _sso_label(request: Request) -> str | None:
    return request.app.state.sso.settings.label if request.app.state.sso else None


@page(routes, "/login", "account/login.jinja", name="login")
def login_form(request: Request) -> LoginPage:
    return LoginPage(title="Sign in", breadcrumbs=[HOME], next=_safe_next(request.query_params.get("next")),
                     sso_label=_sso_label(request))


@action(routes, "/login", role="public", response_class=HTMLResponse)
async def login_submit(request: Request) -> Response:
    form = await request.form()
    username = str(form.get("username", "")).strip()
    password = str(form.get("password", ""))
    page = LoginPage(title="Sign in", breadcrumbs=[HOME], username=username, next=_safe_next(str(form.get("next", "/"))),
                     sso_label=_sso_label(request))
    if not username:
        page.errors.append(FieldError(field="username", message="Enter your username"))
    if not password:
        page.errors.append(FieldError(field="password", message="Enter your password"))
    session = None
    if not page.errors:
        # Argon2 takes tens of milliseconds of CPU on purpose: in the thread pool, never on the event loop
        # (four anonymous sign-in loops on the loop took a signed-in user's median answer from 11 ms to 5 s)
        session, refused = await run_in_threadpool(_sign_in, request, username, password)
        if refused:
            page.errors.append(FieldError(field="password", message=refused))
    if page.errors or session is None:
        page.title = "Error: Sign in"
        return render(request, "account/login.jinja", page, status_code=400)
    return _with_session_cookie(request, session, page.next)


def _sign_in(request: Request, username: str, password: str) -> tuple[Session | None, str | None]:
    """A new session for the right password (ending the browser's old one: no fixation), or the refusal."""
    con = cursor(request)
    try:
        user = authenticate(con, username, password, source=request.client.host if request.client else "unknown")
        end_session(con, request.cookies.get(SESSION_COOKIE))
        return create_session(con, user), None
    except PermissionDenied as exc:
        return None, exc.message
    finally:
        con.close()


def _with_session_cookie(request: Request, session: Session, next_path: str) -> Response:
    response = RedirectResponse(next_path, status_code=303)
    response.set_cookie(SESSION_COOKIE, session.token, max_age=int(LIFETIME.total_seconds()), httponly=True,
                        samesite="lax", secure=_secure(request), path="/")
    return response


def _secure(request: Request) -> bool:
    """Cookies only over HTTPS when served over it (or behind a proxy that ends TLS: the setting)."""
    from pophealth.web.security import app_settings

    return request.url.scheme == "https" or app_settings(request.app).secure_cookies


def _sso(request: Request) -> SsoClient:
    client = request.app.state.sso
    if client is None:
        raise NotFoundError("Single sign-on is not set up on this server; sign in with a pophealth account")
    return client


def _sso_redirect_url(request: Request, client: SsoClient) -> str:
    return client.settings.redirect_url or str(request.url_for("sso_callback"))


@action(routes, "/login/sso", role="public", methods=("GET",), name="sso_start")
def sso_start(request: Request) -> Response:
    """Send the browser to the sign-in provider, remembering (server-side) what to check on its return."""
    client = _sso(request)
    con = cursor(request)
    try:
        target, browser_key = client.start(con, _sso_redirect_url(request, client),
                                           _safe_next(request.query_params.get("next")))
    finally:
        con.close()
    response = RedirectResponse(target, status_code=303)
    # Lax: sent on the provider's top-level redirect back to us, not on cross-site subrequests
    response.set_cookie(SSO_COOKIE, browser_key, max_age=int(PENDING_FOR.total_seconds()), httponly=True,
                        samesite="lax", secure=_secure(request), path="/login/sso")
    return response


@action(routes, "/login/sso/callback", role="public", methods=("GET",), name="sso_callback")
def sso_callback(request: Request) -> Response:
    """The provider's answer: a verified identity with a local account gets a new session."""
    client = _sso(request)
    q = request.query_params
    page = LoginPage(title="Error: Sign in", breadcrumbs=[HOME], sso_label=client.settings.label)
    if q.get("error") or not q.get("code") or not q.get("state"):
        detail = q.get("error_description") or q.get("error") or "no answer"
        page.errors.append(FieldError(field="sso", message=f"The sign-in provider did not sign you in ({detail})"))
        return render(request, "account/login.jinja", page, status_code=400)
    con = cursor(request)
    try:
        user, next_path = client.finish(con, state=q["state"], code=q["code"],
                                        redirect_url=_sso_redirect_url(request, client),
                                        browser_key=request.cookies.get(SSO_COOKIE))
        end_session(con, request.cookies.get(SESSION_COOKIE))  # a new session at every sign-in: no fixation
        session = create_session(con, user)
    except PermissionDenied as exc:
        page.errors.append(FieldError(field="sso", message=exc.message))
        return render(request, "account/login.jinja", page, status_code=403)
    finally:
        con.close()
        request.app.state.cache.bump()  # a GET that changed sessions
    response = _with_session_cookie(request, session, _safe_next(next_path))
    response.delete_cookie(SSO_COOKIE, path="/login/sso")
    return response


@action(routes, "/logout", role="public")
def logout(request: Request) -> Response:
    con = cursor(request)
    try:
        end_session(con, request.cookies.get(SESSION_COOKIE))
    finally:
        con.close()
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@page(routes, "/admin/audit", "account/audit.jinja", role="admin", name="audit")
def audit_page(request: Request) -> AuditPage:
    con = cursor(request)
    try:
        return AuditPage(title="Audit of patient-level access", breadcrumbs=[HOME], chain_intact=verify_chain(con),
                         rows=[{k: (str(v) if v is not None else None) for k, v in r.items()} for r in audit_rows(con, 500)],
                         source="Append-only audit log in the audit store beside the warehouse")
    finally:
        con.close()


@action(routes, "/admin/audit.csv", role="admin", methods=("GET",))
def audit_csv(request: Request) -> Response:
    con = cursor(request)
    try:
        rows = audit_rows(con)
    finally:
        con.close()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["seq", "accessed_at", "username", "role", "method", "route", "person_id", "scope", "detail"])
    for r in rows:
        writer.writerow(csv_row(r.values()))  # routes and details carry what was typed in the address
    return Response(buffer.getvalue(), media_type="text/csv",
                    headers={"Content-Disposition": "attachment; filename=audit_log.csv"})


def register(app: FastAPI) -> None:
    routes.register(app)
