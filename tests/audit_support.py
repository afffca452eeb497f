"""Reaching a warehouse's audit store from tests as someone holding the file would: plain SQLite, around the
append-only triggers (the hash chain, not the triggers, is what must show such an edit)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from pophealth.access.audit_store import audit_path


def tamper(warehouse: Path, sql: str, params: list | tuple = ()) -> None:
    """Run an UPDATE or DELETE on the audit store of the warehouse file ``warehouse``, triggers dropped first
    and put back after (one transaction)."""
    with closing(sqlite3.connect(audit_path(warehouse), isolation_level=None)) as db:
        triggers = db.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'").fetchall()
        assert len(triggers) == 2, "the store's append-only triggers are missing"
        db.execute("BEGIN IMMEDIATE")
        db.execute("DROP TRIGGER audit_log_no_update")
        db.execute("DROP TRIGGER audit_log_no_delete")
        db.execute(sql, list(params))
        for (create,) in triggers:
            db.execute(create)
        db.execute("COMMIT")


def stored(warehouse: Path, sql: str, params: list | tuple = ()) -> list[tuple]:
    """A read of the audit store of the warehouse file ``warehouse``, straight from the file."""
    with closing(sqlite3.connect(audit_path(warehouse))) as db:
        return db.execute(sql, list(params)).fetchall()
