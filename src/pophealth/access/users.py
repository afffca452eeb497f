"""Local accounts: adding users and checking passwords, with lockout after repeated failures."""

from __future__ import annotations

from datetime import datetime, timedelta

import duckdb

from pophealth.access.passwords import DUMMY_HASH, MIN_LENGTH, hash_password, verify_password
from pophealth.access.roles import ROLES, User
from pophealth.errors import ConfigError, PermissionDenied

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)


def add_user(con: duckdb.DuckDBPyConnection, username: str, password: str, role: str, *,
             display_name: str | None = None, practice_code: str | None = None, pcn_code: str | None = None) -> User:
    """Create an account. Care-team accounts must name their practice or PCN."""
    if role not in ROLES or role == "public":
        raise ConfigError(f"Unknown role {role!r}; expected one of {', '.join(r for r in ROLES if r != 'public')}")
    if len(password) < MIN_LENGTH:
        raise ConfigError(f"Passwords must have at least {MIN_LENGTH} characters")
    if role == "care_team" and not (practice_code or pcn_code):
        raise ConfigError("A care-team account needs --practice or --pcn (the scope of its care relationship)")
    if con.execute("SELECT 1 FROM app_user WHERE username = ?", [username]).fetchone():
        raise ConfigError(f"User {username!r} already exists")
    con.execute(
        "INSERT INTO app_user (username, display_name, password_hash, role, practice_code, pcn_code, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, now())",
        [username, display_name or username, hash_password(password), role, practice_code, pcn_code],
    )
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
