"""Local accounts: adding users and checking passwords, with lockout after repeated failures."""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

import duckdb

from pophealth.access.accounts import check_password, check_role_and_scope, record_change
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


def authenticate(con: duckdb.DuckDBPyConnection, username: str, password: str, *, now: datetime | None = None) -> User:
    """Check a password. Five failures lock the account for 15 minutes; errors never say which part was wrong."""
    now = now or datetime.now()
    row = con.execute(
        "SELECT password_hash, failed_attempts, locked_until FROM app_user WHERE username = ? AND NOT disabled",
        [username],
    ).fetchone()
    if row is None:
        verify_password(DUMMY_HASH, password)
        raise PermissionDenied("The username or password is not right")
    stored, failures, locked_until = row
    if locked_until is not None and locked_until > now:
        raise PermissionDenied("This account is locked after repeated failed sign-ins; try again later")
    if not verify_password(stored, password):
        failures += 1
        lock = now + LOCKOUT if failures >= MAX_FAILURES else None
        con.execute("UPDATE app_user SET failed_attempts = ?, locked_until = ? WHERE username = ?",
                    [0 if lock else failures, lock, username])
        if lock:
            raise PermissionDenied("This account is locked after repeated failed sign-ins; try again later")
        raise PermissionDenied("The username or password is not right")
    con.execute("UPDATE app_user SET failed_attempts = 0, locked_until = NULL WHERE username = ?", [username])
    return get_user(con, username)  # type: ignore[return-value]
