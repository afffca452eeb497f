"""Central enforcement: who is asking, whether the route lets them, and CSRF on every unsafe request.

Fail closed: a route that does not declare its role answers 403. Roles come from the route
registry (``pages.route_registry``), so ``pophealth routes --json`` and enforcement cannot drift.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
import secrets
from typing import Any
from urllib.parse import parse_qs, quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import cookie_parser

from pophealth.settings import Settings, current
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Receive, Scope, Send

from pophealth.access.roles import ANONYMOUS, allowed
from pophealth.access.sessions import SESSION_COOKIE, load_session

CSRF_COOKIE = "pophealth_csrf"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# The largest body any form of the app sends (a tracker update with a long narrative is a few kB). The limit
# is enforced before anything is parsed: a declared Content-Length above it is refused without reading a byte,
# and a body sent without one is refused as soon as it passes the limit, so an anonymous 20 MB post cannot
# hold the event loop (it used to be read and parsed before the CSRF check: 22-24 s of stalled requests).
MAX_FORM_BYTES = 1_000_000
ROUTES_KEPT = 4096  # (path, method) -> role: pages with parameters are many paths
SESSIONS_KEPT = 10_000
_UNKNOWN = object()  # sessions are remembered by token: bound the memory that many of them can take


class SecurityMiddleware:
    def __init__(self, app: ASGIApp, fastapi_app: Any) -> None:
        self.app = app
        self.fastapi_app = fastapi_app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cookies = _cookies(scope)
        state = scope.setdefault("state", {})
        token = cookies.get(SESSION_COOKIE)
        # a remembered session is read here, on the loop (a dict lookup); only a session not remembered (or
        # remembered too long ago) is asked of the warehouse, in the thread pool
        session = self.fastapi_app.state.cache.peek("session", token, _UNKNOWN) if token else None
        if session is _UNKNOWN:
            session = await run_in_threadpool(self._session, token)
        user = session.user if session else ANONYMOUS
        anon_csrf = cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(32)
        state["user"] = user
        state["session"] = session
        state["csrf_token"] = session.csrf_token if session else anon_csrf

        plain_send = send
        send = _with_protective_headers(plain_send, scope, private=session is not None)  # for early answers
        required = self._required_role(scope)
        path = scope["path"]
        if required is None:
            await _deny(scope, receive, send, 403, "This address does not declare who may use it")
            return
        if not allowed(user, required):
            if user.role == "public":
                if path.startswith("/api"):
                    await _deny(scope, receive, send, 401, "Sign in to use this address")
                else:
                    await RedirectResponse(f"/login?next={quote(path)}", status_code=303)(scope, receive, send)
                return
            await _deny(scope, receive, send, 403, "Your role does not give access to this page")
            return

        if scope["method"] in UNSAFE:
            declared = _content_length(scope)
            if declared == -1:
                await _deny(scope, receive, send, 400, "The request's Content-Length is not a number")
                return
            body = None if declared is not None and declared > MAX_FORM_BYTES else await _read_body(receive)
            if body is None:
                await _deny(scope, receive, send, 413, "The form is too large")
                return
            sent = _submitted_token(scope, body)
            expected = state["csrf_token"] if session else cookies.get(CSRF_COOKIE)
            if not expected or not sent or not secrets.compare_digest(sent, expected):
                await _deny(scope, receive, send, 403, "The form has expired or did not come from this site; please try again")
                return
            receive = _replay(body)

        cache = self.fastapi_app.state.cache
        writing = scope["method"] in UNSAFE

        held: dict | None = None  # the start of the answer, held until its body shows which inline scripts it has

        async def send_with_cookie(message: dict) -> None:
            nonlocal held
            if message["type"] == "http.response.start":
                if writing:  # the handler has written by now: no answer remembered before may be served after
                    cache.bump()
                headers = list(message.get("headers", []))
                if not session and CSRF_COOKIE not in cookies:
                    headers.append((b"set-cookie", f"{CSRF_COOKIE}={anon_csrf}; Path=/; HttpOnly; SameSite=Strict".encode()))
                message["headers"] = headers + protective_headers(scope, headers, private=session is not None)
                held = message
                return
            if message["type"] == "http.response.body" and held is not None:
                start, held = held, None
                body = message.get("body", b"") if not message.get("more_body") else b""
                start["headers"] = start["headers"] + [(b"content-security-policy", csp(body).encode())]
                await plain_send(start)
            await plain_send(message)

        try:
            await self.app(scope, receive, send_with_cookie)
        finally:
            if writing:
                cache.bump()

    def _session(self, token: str | None):
        """The live session for the cookie, asked of the warehouse again after any write (sign-out,
        an account disabled) or a second at most; unknown tokens are not remembered."""
        if not token:
            return None

        def ask():
            con = self.fastapi_app.state.con.cursor()
            try:
                return load_session(con, token)
            finally:
                con.close()

        return self.fastapi_app.state.cache.remembered("session", token, ask, size=SESSIONS_KEPT,
                                                       keep=lambda s: s is not None)

    def _required_role(self, scope: Scope) -> str | None:
        from pophealth.web.pages import route_registry

        registry = route_registry(self.fastapi_app)
        # routes are declared at start-up (and by tests afterwards): rebuild the map only when that changes
        if getattr(self, "_roles_size", None) != len(registry):
            self._roles_size, self._roles = len(registry), {(r.path, m): r.role for r in registry for m in r.methods}
        roles = self._roles
        method = "GET" if scope["method"] == "HEAD" else scope["method"]

        def match() -> tuple[str | None, bool]:
            # a path can have several routes (GET page, POST form): only a FULL match (path and method)
            # decides; a PARTIAL match (same path, other method) must not end the search
            for route in self.fastapi_app.router.routes:
                found, _ = route.matches(scope)
                if found == Match.FULL:
                    if isinstance(route, Mount):
                        return "public", False  # static assets (any file name: not remembered)
                    return roles.get((route.path, method)), True
            return "public", False  # no route for this method or path: the router answers 405 or 404

        # Which route a path and method reach changes only when routes are declared: remembered in the app's
        # cache under the number declared. Paths of no route (anyone can make them up) are never kept.
        found = self.fastapi_app.state.cache.get("route roles", (scope["path"], scope["method"]), len(registry),
                                                 match, size=ROUTES_KEPT, admit=lambda answer: answer[1])
        return found[0]


PRIVATE_PREFIXES = ("/care", "/api/care", "/admin", "/api/admin", "/login", "/delivery", "/api/delivery", "/phm",
                    "/api/phm", "/own-indicators", "/api/own-indicators")
_SCRIPT_SRC = re.compile(rb"\bsrc=")  # a script element loaded from a file: not hashed


def app_settings(app: Any) -> Settings:
    """The settings the app was created with (``app.state.settings``), else the active ones."""
    settings = getattr(getattr(app, "state", None), "settings", None)
    return settings if isinstance(settings, Settings) else current()


def protective_headers(scope: Scope, existing: list[tuple[bytes, bytes]], *, private: bool) -> list[tuple[bytes, bytes]]:
    """Headers every answer carries: no sniffing, no framing, no referrer to other sites, HSTS when served over
    TLS (or behind a proxy that ends it: ``POPHEALTH_SECURE_COOKIES=1``), and ``Cache-Control: no-store`` on
    every answer to a signed-in user and on staff and patient pages, so no shared cache or back button keeps them."""
    have = {k.lower() for k, _ in existing}
    out = [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
           (b"referrer-policy", b"same-origin"), (b"cross-origin-opener-policy", b"same-origin")]
    if scope.get("scheme") == "https" or app_settings(scope.get("app")).secure_cookies:
        out.append((b"strict-transport-security", b"max-age=31536000; includeSubDomains"))
    if (private or scope["path"].startswith(PRIVATE_PREFIXES)) and b"cache-control" not in have:
        out.append((b"cache-control", b"no-store"))
    return out


def _with_protective_headers(send: Send, scope: Scope, *, private: bool) -> Send:
    async def wrapped(message: dict) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            message["headers"] = headers + protective_headers(scope, headers, private=private) + [
                (b"content-security-policy", csp(b"").encode())]
        await send(message)

    return wrapped


def csp(body: bytes) -> str:
    """The Content Security Policy of one answer: scripts only from this site, plus the inline scripts of this
    very page by their SHA-256 (the NHS.UK template's two one-liners), nothing from anywhere else."""
    hashes = " ".join(f"'sha256-{_script_hash(s)}'" for s in inline_scripts(body))
    return ("default-src 'self'; script-src 'self'" + (f" {hashes}" if hashes else "") + "; style-src 'self'; "
            "img-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'")


def inline_scripts(body: bytes) -> list[bytes]:
    """The content of each ``<script>`` element without a ``src``, in order. Found with ``bytes.find`` rather
    than a regular expression over the page: a worklist page is over 100 kB of markup with thousands of tags
    starting ``<s``, and the search was a noticeable part of every care-team view's cost."""
    found, at = [], body.find(b"<script")
    while at >= 0:
        end = body.find(b">", at)
        if end < 0:
            break
        close = body.find(b"</script>", end)
        if close < 0:
            break
        if _SCRIPT_SRC.search(body, at, end):  # loaded from a file: look on from the next tag
            at = body.find(b"<script", at + 1)
            continue
        found.append(body[end + 1:close])
        at = body.find(b"<script", close)
    return found


@functools.lru_cache(maxsize=64)
def _script_hash(script: bytes) -> str:
    return base64.b64encode(hashlib.sha256(script).digest()).decode()


def _cookies(scope: Scope) -> dict[str, str]:
    """The request's cookies, read as the handlers' ``request.cookies`` reads them (Starlette's parser, the
    browsers' rules): one reading of the cookie everywhere, and it is several times cheaper per request than
    ``http.cookies.SimpleCookie``."""
    raw = b"; ".join(v for k, v in scope.get("headers", []) if k == b"cookie").decode("latin-1")
    return cookie_parser(raw) if raw else {}


def _submitted_token(scope: Scope, body: bytes) -> str | None:
    headers = dict(scope.get("headers", []))
    if b"x-csrf-token" in headers:
        return headers[b"x-csrf-token"].decode()
    ctype = headers.get(b"content-type", b"").decode()
    if ctype.startswith("application/x-www-form-urlencoded"):
        values = parse_qs(body.decode("utf-8", "replace")).get("csrf_token")
        return values[0] if values else None
    if ctype.startswith("multipart/form-data"):
        marker = b'name="csrf_token"'
        at = body.find(marker)
        if at >= 0:
            chunk = body[at + len(marker):].split(b"\r\n\r\n", 1)[-1]
            return chunk.split(b"\r\n", 1)[0].decode()
    return None


def _content_length(scope: Scope) -> int | None:
    """The declared body size, None when not declared, -1 when not a number."""
    for key, value in scope.get("headers", []):
        if key == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() and len(text) < 19 else -1
    return None


async def _read_body(receive: Receive) -> bytes | None:
    """The whole body, or None as soon as it passes ``MAX_FORM_BYTES`` (the rest is never read)."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_FORM_BYTES:
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> dict:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


async def _deny(scope: Scope, receive: Receive, send: Send, status: int, message: str) -> None:
    if scope["path"].startswith("/api"):
        response: Response = JSONResponse({"error": {"status": status, "message": message}}, status_code=status)
    else:
        response = _error_page(scope, status, message) or _bare_error_page(status, message)
    await response(scope, receive, send)


def _error_page(scope: Scope, status: int, message: str) -> Response | None:
    """The app's own error page (NHS header, navigation, account and sign-out), as other errors get."""
    app = scope.get("app")
    if app is None or not hasattr(getattr(app, "state", None), "jinja"):
        return None
    from starlette.requests import Request

    from pophealth.web.pages import PageContext, render

    title = {403: "You do not have access to this page", 413: "The form is too large"}.get(status, "Sorry, there is a problem")
    return render(Request(scope), "error.jinja", PageContext(title=title, source=message), status_code=status)


def _bare_error_page(status: int, message: str) -> Response:
    from html import escape

    from starlette.responses import HTMLResponse

    return HTMLResponse(
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{status} – pophealth</title>"
        f"<link rel='stylesheet' href='/assets/nhsuk-frontend.min.css'></head><body><div class='nhsuk-width-container'>"
        f"<main class='nhsuk-main-wrapper' id='maincontent'><h1>{escape(message)}</h1>"
        f"<p><a href='/'>Go to the home page</a> or <a href='/login'>sign in</a>.</p></main></div></body></html>",
        status_code=status,
    )
