"""Searching the audit for an IG lead: who read what, about whom, when. Read-only over the audit store.

This module only filters (appending is ``pophealth.access.audit``'s). The audit is in its
SQLite store and accounts and sessions are in the warehouse, which SQLite cannot see, so ``last_activity``
joins them here, in Python (one indexed lookup per account). A person is found by
the warehouse's pseudonymous person id, or by NHS number resolved through the identity store (for the
admin role, which the IG lead holds); list views that showed a person's identifiers are found in the
identity store's disclosure log, since a list view's audit row names no single person.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from pophealth.access.audit import COLUMNS, select_rows
from pophealth.access.audit_store import store_for


@dataclass(frozen=True)
class AuditQuery:
    username: str | None = None
    person_id: int | None = None
    route: str | None = None        # a part of the route, e.g. "/care/people"
    date_from: dt.date | None = None
    date_to: dt.date | None = None  # inclusive

    def where(self) -> tuple[str, list]:
        clauses, params = [], []
        if self.username:
            clauses.append("username = ?")
            params.append(self.username)
        if self.person_id is not None:
            clauses.append("person_id = ?")
            params.append(self.person_id)
        if self.route:
            clauses.append("instr(route, ?) > 0")  # a part of the route, case as typed
            params.append(self.route)
        # accessed_at is stored as 'YYYY-MM-DD HH:MM:SS', so text order is time order and a date is its midnight
        if self.date_from:
            clauses.append("accessed_at >= ?")
            params.append(self.date_from.isoformat())
        if self.date_to:
            clauses.append("accessed_at < ?")
            params.append((self.date_to + dt.timedelta(days=1)).isoformat())
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def search_audit(con: duckdb.DuckDBPyConnection, query: AuditQuery, limit: int | None = 1000) -> list[dict]:
    """Matching rows, newest first."""
    where, params = query.where()
    sql = f"SELECT {', '.join(COLUMNS)} FROM audit_log{where} ORDER BY seq DESC" + (f" LIMIT {int(limit)}" if limit else "")
    return select_rows(con, sql, params)


def last_activity(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Per account: when its current session (if any) began and its last patient-level read.

    Sign-ins themselves are not kept once a session ends (``app_session`` rows are deleted at sign-out),
    so "latest session started" is only known for accounts signed in now."""
    accounts = con.execute("""
        SELECT u.username, u.role, u.disabled,
               (SELECT max(s.created_at) FROM app_session s WHERE s.username = u.username) AS session_started
        FROM app_user u ORDER BY u.username""").fetchall()
    with store_for(con).reading() as db:  # max over the (username, accessed_at) index: one lookup per account
        last = [db.execute("SELECT max(accessed_at) FROM audit_log WHERE username = ?", [a[0]]).fetchone()[0]
                for a in accounts]
    return [dict(zip(("username", "role", "disabled", "session_started", "last_read"),
                     (*a, dt.datetime.fromisoformat(t) if t else None))) for a, t in zip(accounts, last, strict=True)]
