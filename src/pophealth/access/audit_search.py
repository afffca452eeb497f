"""Searching the audit for an IG lead: who read what, about whom, when. Read-only over ``audit_log``.

The append code (``pophealth.access.audit``) is untouched: this module only filters. A person is found by
the warehouse's pseudonymous person id, or by NHS number resolved through the identity store (for the
admin role, which the IG lead holds); list views that showed a person's identifiers are found in the
identity store's disclosure log, since a list view's audit row names no single person.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from pophealth.access.audit import COLUMNS


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
            clauses.append("contains(route, ?)")
            params.append(self.route)
        if self.date_from:
            clauses.append("accessed_at >= ?")
            params.append(self.date_from)
        if self.date_to:
            clauses.append("accessed_at < ?")
            params.append(self.date_to + dt.timedelta(days=1))
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


def search_audit(con: duckdb.DuckDBPyConnection, query: AuditQuery, limit: int | None = 1000) -> list[dict]:
    """Matching rows, newest first."""
    where, params = query.where()
    sql = f"SELECT {', '.join(COLUMNS)} FROM audit_log{where} ORDER BY seq DESC" + (f" LIMIT {int(limit)}" if limit else "")
    return [dict(zip(COLUMNS, r)) for r in con.execute(sql, params).fetchall()]


def last_activity(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Per account: when its current session (if any) began and its last patient-level read.

    Sign-ins themselves are not kept once a session ends (``app_session`` rows are deleted at sign-out),
    so "latest session started" is only known for accounts signed in now."""
    rows = con.execute("""
        SELECT u.username, u.role, u.disabled,
               (SELECT max(s.created_at) FROM app_session s WHERE s.username = u.username) AS session_started,
               (SELECT max(a.accessed_at) FROM audit_log a WHERE a.username = u.username) AS last_read
        FROM app_user u ORDER BY u.username""").fetchall()
    return [dict(zip(("username", "role", "disabled", "session_started", "last_read"), r)) for r in rows]
