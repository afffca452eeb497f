"""Progress updates: append-only history, one row per update, guarded by optimistic concurrency.

An update names the action version it was based on. ``UPDATE ... WHERE version = ?`` claims the
next version; if another editor got there first the update is refused with ``ConflictError``, so
nobody's report is silently overwritten. DuckDB's own write-write conflict (two transactions on
one row at once) is reported the same way.
"""

from __future__ import annotations

from datetime import datetime

import duckdb

from pophealth.delivery.actions import bump_version, get_action
from pophealth.delivery.audit import record_change
from pophealth.delivery.db import fetch_dicts, write
from pophealth.delivery.periods import get_period, open_period_now
from pophealth.delivery.records import Update
from pophealth.errors import ConflictError

UPDATE_COLUMNS = tuple(Update.model_fields)


def insert_update(con: duckdb.DuckDBPyConnection, u: Update) -> None:
    con.execute(f"INSERT INTO delivery_update ({', '.join(UPDATE_COLUMNS)}) VALUES ({', '.join('?' * len(UPDATE_COLUMNS))})",
                [getattr(u, c) for c in UPDATE_COLUMNS])
    record_change(con, "update", f"{u.action_ref}/{u.version}", u.editor, None, u.model_dump(), at=u.recorded_at)


def record_update(con: duckdb.DuckDBPyConnection, ref: str, expected_version: int, *, stage: str,
                  overall_rag: str, risk_rag: str, trajectory_rag: str, narrative: str, editor: str,
                  evidence: str | None = None, period_id: str | None = None,
                  at: datetime | None = None) -> Update:
    """Record one update in the open period (or ``period_id``, which must be open)."""
    draft = Update(action_ref=ref, version=expected_version, period_id=period_id or "", stage=stage,
                   overall_rag=overall_rag, risk_rag=risk_rag, trajectory_rag=trajectory_rag,
                   narrative=narrative, evidence=evidence or None, editor=editor,
                   recorded_at=at or datetime.now().replace(microsecond=0))  # validates before any write
    with write(con, f"Action {ref}"):
        get_action(con, ref)
        period = get_period(con, period_id) if period_id else open_period_now(con)
        if period is None:
            raise ConflictError("No reporting period is open", hint="`pophealth delivery period open` first")
        if period.closed_at is not None:
            raise ConflictError(f"Reporting period {period.period_id!r} is closed")
        version = bump_version(con, ref, expected_version)
        update = draft.model_copy(update={"version": version, "period_id": period.period_id})
        insert_update(con, update)
    return update


def history(con: duckdb.DuckDBPyConnection, ref: str | None = None) -> list[Update]:
    """Updates oldest first (for one action, or all)."""
    rows = fetch_dicts(con, f"""SELECT u.{', u.'.join(UPDATE_COLUMNS)} FROM delivery_update u
                                JOIN delivery_action a ON a.ref = u.action_ref
                                WHERE ? IS NULL OR u.action_ref = ? ORDER BY a.position, u.version""", [ref, ref])
    return [Update(**r) for r in rows]
