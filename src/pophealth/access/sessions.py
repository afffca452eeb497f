"""Server-side sessions. The cookie holds a random token; the warehouse keeps only its hash.

A new session (and so a new token) is issued at every sign-in, so a token planted before sign-in
is worthless afterwards (no session fixation). Each session has its own CSRF token.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb

from pophealth.access.roles import User

SESSION_COOKIE = "pophealth_session"
LIFETIME = timedelta(hours=8)


@dataclass(frozen=True)
class Session:
    token: str
    user: User
    csrf_token: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_session(con: duckdb.DuckDBPyConnection, user: User) -> Session:
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = datetime.now()
    con.execute("INSERT INTO app_session VALUES (?, ?, ?, ?, ?)", [_hash(token), user.username, csrf, now, now + LIFETIME])
    return Session(token, user, csrf)


def load_session(con: duckdb.DuckDBPyConnection, token: str | None) -> Session | None:
    """The live session for a cookie token, with its (enabled) user, in one query: it runs on every request."""
    if not token:
        return None
    row = con.execute(
        "SELECT u.username, u.display_name, u.role, u.practice_code, u.pcn_code, s.csrf_token"
        " FROM app_session s JOIN app_user u ON u.username = s.username"
        " WHERE s.session_hash = ? AND s.expires_at >= ? AND NOT u.disabled",
        [_hash(token), datetime.now()],
    ).fetchone()
    return Session(token, User(*row[:5]), row[5]) if row else None


def end_session(con: duckdb.DuckDBPyConnection, token: str | None) -> None:
    if token:
        con.execute("DELETE FROM app_session WHERE session_hash = ?", [_hash(token)])
