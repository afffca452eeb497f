"""Who may write a measure's narrative: editors granted per measure, and admins for every measure.

The plan says narrative is "written per reporting period by someone allowed to edit that
measure", so being an action lead is not enough: the lead must be named as an editor of that
measure. Grants are refused for unknown measures and unknown or unsuitable accounts (an analyst
could never reach the form), and granting twice keeps the first grant.
"""

from __future__ import annotations

import datetime as dt

import duckdb
from pydantic import BaseModel

from pophealth.access.roles import User
from pophealth.access.users import get_user
from pophealth.errors import ConfigError, NotFoundError
from pophealth.strategy.models import Strategy

EDITOR_ROLES = ("action_lead", "admin")


class Grant(BaseModel):
    measure_id: str
    username: str
    granted_by: str
    granted_at: dt.datetime


def check_measure(strategy: Strategy, measure_id: str) -> None:
    if measure_id not in {m.id for m in strategy.measures}:
        raise NotFoundError(f"There is no measure {measure_id!r} in the catalogue",
                            hint="measure ids are listed at /measures and in the strategy's measures.yaml")


def grant(con: duckdb.DuckDBPyConnection, strategy: Strategy, username: str, measure_id: str,
          granted_by: str) -> bool:
    """Make ``username`` an editor of ``measure_id``; False when they already were."""
    check_measure(strategy, measure_id)
    user = get_user(con, username)
    if user is None:
        raise NotFoundError(f"There is no active account {username!r}", hint="add it with `pophealth users add`")
    if user.role not in EDITOR_ROLES:
        raise ConfigError(f"{username!r} has the role {user.role}; only action leads (and admins) write narrative")
    if not granted_by.strip():
        raise ConfigError("The person granting must be named")
    before = con.execute("SELECT count(*) FROM measure_editor WHERE measure_id = ? AND username = ?",
                         [measure_id, username]).fetchone()[0]
    con.execute("INSERT INTO measure_editor VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [measure_id, username, granted_by.strip(), dt.datetime.now().replace(microsecond=0)])
    return before == 0


def revoke(con: duckdb.DuckDBPyConnection, strategy: Strategy, username: str, measure_id: str) -> bool:
    """Remove ``username`` as an editor of ``measure_id``; False when they were not one."""
    check_measure(strategy, measure_id)
    removed = con.execute("DELETE FROM measure_editor WHERE measure_id = ? AND username = ? RETURNING 1",
                          [measure_id, username]).fetchall()
    return bool(removed)


def editors(con: duckdb.DuckDBPyConnection, measure_id: str | None = None) -> list[Grant]:
    """Every grant (or one measure's), by measure then username."""
    where, params = ("WHERE measure_id = ?", [measure_id]) if measure_id else ("", [])
    rows = con.execute(f"SELECT measure_id, username, granted_by, granted_at FROM measure_editor {where} "
                       "ORDER BY measure_id, username", params).fetchall()
    return [Grant(**dict(zip(Grant.model_fields, r))) for r in rows]


def may_edit(con: duckdb.DuckDBPyConnection, user: User, measure_id: str) -> bool:
    """Admins edit every measure; an action lead only the measures they were granted."""
    if user.role == "admin":
        return True
    if user.role != "action_lead":
        return False
    return con.execute("SELECT 1 FROM measure_editor WHERE measure_id = ? AND username = ?",
                       [measure_id, user.username]).fetchone() is not None
