"""Administering accounts: disable and enable, unlock, reset a password, change role or scope.

Each change ends the account's sessions, so its holder signs in again on the new terms (a disabled
account at once loses access), and is recorded in the append-only ``account_change`` table: which
account, what changed, who changed it and when. An administrator cannot disable or demote their own
account, so a system always keeps the administrator who is making changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from pophealth.access.passwords import MIN_LENGTH, hash_password
from pophealth.access.roles import ROLES
from pophealth.errors import ConfigError, NotFoundError
from pophealth.warehouse import transaction


@dataclass(frozen=True)
class Account:
    username: str
    display_name: str
    role: str
    practice_code: str | None
    pcn_code: str | None
    disabled: bool
    locked_until: datetime | None
    created_at: datetime

    def locked(self, now: datetime | None = None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or datetime.now())

    @property
    def scope(self) -> str | None:
        return f"practice {self.practice_code}" if self.practice_code else f"PCN {self.pcn_code}" if self.pcn_code else None


@dataclass(frozen=True)
class AccountChange:
    changed_at: datetime
    username: str
    change: str
    changed_by: str


def check_role_and_scope(role: str, practice_code: str | None, pcn_code: str | None) -> None:
    """A known role; care-team accounts name the practice or PCN whose patients they may see."""
    if role not in ROLES or role == "public":
        raise ConfigError(f"Unknown role {role!r}; expected one of {', '.join(r for r in ROLES if r != 'public')}")
    if role == "care_team" and not (practice_code or pcn_code):
        raise ConfigError("A care-team account needs a practice or a PCN (the scope of its care relationship)")
    if role != "care_team" and (practice_code or pcn_code):
        raise ConfigError("Only care-team accounts have a practice or PCN scope")


def check_scope_known(con: duckdb.DuckDBPyConnection, practice_code: str | None, pcn_code: str | None) -> None:
    """A care-team scope names a practice or PCN that exists: in the shipped LLR reference or in the
    warehouse's geography. A mistyped code would give an account that sees nobody, or someone else's list
    once a practice with that code is loaded."""
    if not (practice_code or pcn_code):
        return
    from pophealth.geography.reference import practices

    shipped = practices()
    known_practices, known_pcns = set(shipped["practice_code"]), set(shipped["pcn_code"])
    try:
        for practice, pcn in con.execute("SELECT practice_code, pcn_code FROM geo_practice").fetchall():
            known_practices.add(practice)
            known_pcns.add(pcn)
    except duckdb.Error:  # no geography loaded in this warehouse: the shipped reference decides
        pass
    if practice_code and practice_code not in known_practices:
        raise ConfigError(f"There is no GP practice {practice_code[:20]!r}",
                          hint="use the practice's ODS code, e.g. C82001 (see the LLR practice list)")
    if pcn_code and pcn_code not in known_pcns:
        raise ConfigError(f"There is no PCN {pcn_code[:20]!r}", hint="use the PCN's ODS code, e.g. U30213")


def check_password(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise ConfigError(f"Passwords must have at least {MIN_LENGTH} characters")


_COLUMNS = "username, display_name, role, practice_code, pcn_code, disabled, locked_until, created_at"


def list_accounts(con: duckdb.DuckDBPyConnection) -> list[Account]:
    return [Account(*r) for r in con.execute(f"SELECT {_COLUMNS} FROM app_user ORDER BY username").fetchall()]


def get_account(con: duckdb.DuckDBPyConnection, username: str) -> Account:
    row = con.execute(f"SELECT {_COLUMNS} FROM app_user WHERE username = ?", [username]).fetchone()
    if row is None:
        raise NotFoundError(f"There is no account {username!r}")
    return Account(*row)


def history(con: duckdb.DuckDBPyConnection, username: str | None = None) -> list[AccountChange]:
    """Changes to one account (or all), newest first."""
    rows = con.execute("SELECT changed_at, username, change, changed_by FROM account_change"
                       " WHERE ? IS NULL OR username = ? ORDER BY seq DESC", [username, username]).fetchall()
    return [AccountChange(*r) for r in rows]


def record_change(con: duckdb.DuckDBPyConnection, username: str, change: str, by: str) -> None:
    con.execute("INSERT INTO account_change (changed_at, username, change, changed_by) VALUES (?, ?, ?, ?)",
                [datetime.now().replace(microsecond=0), username, change, by])


def _change(con: duckdb.DuckDBPyConnection, username: str, by: str, change: str, sql: str, params: list) -> None:
    """Apply one change to an account, end its sessions and record it, all or nothing."""
    if not by.strip():
        raise ConfigError("Say who is making the change")
    with transaction(con):
        get_account(con, username)
        con.execute(sql, [*params, username])
        con.execute("DELETE FROM app_session WHERE username = ?", [username])
        record_change(con, username, change, by)


def _not_self(username: str, acting: str | None, what: str) -> None:
    if acting is not None and acting == username:
        # a refused request (400), not a conflict with someone else's change (409)
        raise ConfigError(f"You cannot {what} your own account; ask another administrator")


def disable(con: duckdb.DuckDBPyConnection, username: str, *, by: str, acting: str | None = None) -> None:
    """Stop an account signing in (a leaver); its history and everything it wrote are kept."""
    _not_self(username, acting, "disable")
    _change(con, username, by, "disabled", "UPDATE app_user SET disabled = TRUE WHERE username = ?", [])


def enable(con: duckdb.DuckDBPyConnection, username: str, *, by: str) -> None:
    _change(con, username, by, "enabled", "UPDATE app_user SET disabled = FALSE WHERE username = ?", [])


def unlock(con: duckdb.DuckDBPyConnection, username: str, *, by: str) -> None:
    """Clear a lockout after repeated failed sign-ins."""
    _change(con, username, by, "unlocked",
            "UPDATE app_user SET failed_attempts = 0, locked_until = NULL WHERE username = ?", [])
    con.execute("DELETE FROM sign_in_throttle WHERE username = ?", [username])


def reset_password(con: duckdb.DuckDBPyConnection, username: str, password: str, *, by: str) -> None:
    """Set a new password (and clear any lockout); the old one and every session stop working."""
    check_password(password)
    _change(con, username, by, "password reset",
            "UPDATE app_user SET password_hash = ?, failed_attempts = 0, locked_until = NULL WHERE username = ?",
            [hash_password(password)])
    con.execute("DELETE FROM sign_in_throttle WHERE username = ?", [username])


def change_role(con: duckdb.DuckDBPyConnection, username: str, role: str, *, by: str,
                practice_code: str | None = None, pcn_code: str | None = None, acting: str | None = None) -> None:
    """A new role, and for care teams a new practice or PCN scope."""
    check_role_and_scope(role, practice_code, pcn_code)
    check_scope_known(con, practice_code, pcn_code)
    if role != "admin":
        _not_self(username, acting, "demote")
    scope = f" ({'practice ' + practice_code if practice_code else 'PCN ' + pcn_code})" if role == "care_team" else ""
    _change(con, username, by, f"role set to {role}{scope}",
            "UPDATE app_user SET role = ?, practice_code = ?, pcn_code = ? WHERE username = ?",
            [role, practice_code or None, pcn_code or None])
