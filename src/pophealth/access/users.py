"""Local accounts: adding users and checking passwords, with lockout after repeated failures."""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

import duckdb

from pophealth.access.accounts import check_password, check_role_and_scope, check_scope_known, record_change
from pophealth.access.passwords import DUMMY_HASH, hash_password, verify_password
from pophealth.access.roles import User
from pophealth.errors import ConfigError, PermissionDenied
from pophealth.warehouse import transaction

USERNAME = re.compile(r"[A-Za-z0-9._@-]{2,64}")
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)


def add_user(con: duckdb.DuckDBPyConnection, username: str, password: str | None, role: str, *,
             display_name: str | None = None, practice_code: str | None = None, pcn_code: str | None = None,
             created_by: str = "command line") -> User:
    """Create an account (recorded in the account changes). Care-team accounts must name their practice or PCN.

    ``password=None`` makes an account for single sign-on only: its stored hash is of a random secret
    nobody is told, so no password signs it in until an administrator sets one.
    """
    check_role_and_scope(role, practice_code, pcn_code)
    check_scope_known(con, practice_code, pcn_code)
    if password is not None:
        check_password(password)
    if not USERNAME.fullmatch(username):
        raise ConfigError("A username is 2 to 64 letters, digits and . _ - @ (an email address will do)")
    with transaction(con):
        if con.execute("SELECT 1 FROM app_user WHERE username = ?", [username]).fetchone():
            raise ConfigError(f"User {username!r} already exists")
        con.execute(
            "INSERT INTO app_user (username, display_name, password_hash, role, practice_code, pcn_code, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, now())",
            [username, display_name or username, hash_password(password or secrets.token_urlsafe(48)), role,
             practice_code, pcn_code],
        )
        record_change(con, username, f"created as {role}" + (" (single sign-on only)" if password is None else ""),
                      created_by)
    return get_user(con, username)  # type: ignore[return-value]


def get_user(con: duckdb.DuckDBPyConnection, username: str) -> User | None:
    row = con.execute(
        "SELECT username, display_name, role, practice_code, pcn_code FROM app_user WHERE username = ? AND NOT disabled",
        [username],
    ).fetchone()
    return User(*row) if row else None


NOT_RIGHT = "The username or password is not right"
LOCKED = "This username is locked here after repeated failed sign-ins; try again in 15 minutes"
FORGOTTEN_AFTER = timedelta(days=1)  # failures older than this (and expired locks) are forgotten


def authenticate(con: duckdb.DuckDBPyConnection, username: str, password: str, *, now: datetime | None = None,
                 source: str = "local") -> User:
    """Check a password. Five failures for one username from one source lock that pair for 15 minutes.

    The same work and the same answers whether or not the account exists: one Argon2 check every time
    (against a dummy hash for unknown names and while locked), and failures of unknown names are counted
    and locked just like real ones. A lock holds one source only, so nobody can lock a person out from
    elsewhere; ``users unlock`` (or the admin page) clears it."""
    now = now or datetime.now()
    row = con.execute("SELECT password_hash FROM app_user WHERE username = ? AND NOT disabled", [username]).fetchone()
    throttle = con.execute("SELECT failures, locked_until, last_failure FROM sign_in_throttle "
                           "WHERE username = ? AND source = ?", [username, source]).fetchone()
    if throttle is not None and throttle[2] < now - FORGOTTEN_AFTER:
        throttle = None
    locked = throttle is not None and throttle[1] is not None and throttle[1] > now
    right = verify_password(row[0] if row and not locked else DUMMY_HASH, password)
    if locked:
        raise PermissionDenied(LOCKED)
    if row is not None and right:
        con.execute("DELETE FROM sign_in_throttle WHERE username = ? AND source = ?", [username, source])
        return get_user(con, username)  # type: ignore[return-value]
    failures = (throttle[0] if throttle is not None and throttle[1] is None else 0) + 1
    lock = now + LOCKOUT if failures >= MAX_FAILURES else None
    with transaction(con):
        con.execute("DELETE FROM sign_in_throttle WHERE last_failure < ?", [now - FORGOTTEN_AFTER])
        con.execute("INSERT OR REPLACE INTO sign_in_throttle VALUES (?, ?, ?, ?, ?)",
                    [username, source, failures, lock, now])
        if lock and row is not None:  # shown on the admin page; the lock itself is per source
            con.execute("UPDATE app_user SET locked_until = ? WHERE username = ?", [lock, username])
    raise PermissionDenied(LOCKED if lock else NOT_RIGHT)
