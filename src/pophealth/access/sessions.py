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
from pophealth.access.users import get_user

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
    if not token:
        return None
    row = con.execute("SELECT username, csrf_token, expires_at FROM app_session WHERE session_hash = ?",
                      [_hash(token)]).fetchone()
    if row is None or row[2] < datetime.now():
        return None
    user = get_user(con, row[0])
    return Session(token, user, row[1]) if user else None


def end_session(con: duckdb.DuckDBPyConnection, token: str | None) -> None:
    if token:
        con.execute("DELETE FROM app_session WHERE session_hash = ?", [_hash(token)])
