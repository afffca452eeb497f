"""Actions in the store: loading the seed actions, reading them, and versioned edits.

Loading is idempotent and never overwrites what people have edited: priorities follow the strategy,
but an action, activity or governance row already present is left alone.
"""

from __future__ import annotations

from typing import Any

import duckdb

from pophealth.delivery.audit import record_change
from pophealth.delivery.db import fetch_dicts, write
from pophealth.delivery.records import EDITABLE_FIELDS, Action, Activity, Priority
from pophealth.delivery.seed import SeedRecords
from pophealth.errors import ConflictError, NotFoundError

ACTION_COLUMNS = tuple(Action.model_fields)
LOADER = "strategy load"


def insert_action(con: duckdb.DuckDBPyConnection, a: Action, who: str) -> None:
    con.execute(f"INSERT INTO delivery_action ({', '.join(ACTION_COLUMNS)}) VALUES ({', '.join('?' * len(ACTION_COLUMNS))})",
                [getattr(a, c) for c in ACTION_COLUMNS])
    record_change(con, "action", a.ref, who, None, a.model_dump())


def insert_activity(con: duckdb.DuckDBPyConnection, act: Activity, who: str) -> None:
    con.execute("INSERT INTO delivery_activity VALUES (?, ?, ?, ?)",
                [act.action_ref, act.activity_ref, act.text, act.timescale])
    record_change(con, "activity", f"{act.action_ref}/{act.activity_ref}", who, None, act.model_dump())


def load_records(con: duckdb.DuckDBPyConnection, records: SeedRecords) -> dict[str, int]:
    """Add what is new; return how many of each kind were added."""
    from pophealth.delivery.governance import insert_governance

    with write(con, "The delivery tracker"):
        for p in records.priorities:
            con.execute("INSERT OR REPLACE INTO delivery_priority VALUES (?, ?, ?, ?, ?)",
                        [p.priority_id, p.programme, p.theme, p.name, p.position])
        have = {r[0] for r in con.execute("SELECT ref FROM delivery_action").fetchall()}
        new_actions = [a for a in records.actions if a.ref not in have]
        for a in new_actions:
            insert_action(con, a, LOADER)
        have_acts = set(con.execute("SELECT action_ref, activity_ref FROM delivery_activity").fetchall())
        new_acts = [x for x in records.activities if (x.action_ref, x.activity_ref) not in have_acts]
        for x in new_acts:
            insert_activity(con, x, LOADER)
        have_gov = {r[0] for r in con.execute("SELECT priority_id FROM delivery_governance").fetchall()}
        new_gov = [g for g in records.governance if g.priority_id not in have_gov]
        for g in new_gov:
            insert_governance(con, g, LOADER)
    return {"priorities": len(records.priorities), "actions": len(new_actions), "activities": len(new_acts),
            "governance": len(new_gov)}


def load_strategy_actions(con: duckdb.DuckDBPyConnection, strategy_dir=None) -> dict[str, int]:
    from pophealth.delivery.seed import build_records
    from pophealth.strategy import load_strategy

    return load_records(con, build_records(load_strategy(strategy_dir)))


def list_priorities(con: duckdb.DuckDBPyConnection) -> list[Priority]:
    return [Priority(**r) for r in fetch_dicts(con, "SELECT * FROM delivery_priority ORDER BY position")]


def list_actions(con: duckdb.DuckDBPyConnection) -> list[Action]:
    return [Action(**r) for r in fetch_dicts(con, f"SELECT {', '.join(ACTION_COLUMNS)} FROM delivery_action ORDER BY position")]


def list_activities(con: duckdb.DuckDBPyConnection, ref: str | None = None) -> list[Activity]:
    rows = fetch_dicts(con, """SELECT a.* FROM delivery_activity a JOIN delivery_action x ON x.ref = a.action_ref
                               WHERE ? IS NULL OR a.action_ref = ? ORDER BY x.position, a.activity_ref""", [ref, ref])
    return [Activity(**r) for r in rows]


def get_action(con: duckdb.DuckDBPyConnection, ref: str) -> Action:
    rows = fetch_dicts(con, f"SELECT {', '.join(ACTION_COLUMNS)} FROM delivery_action WHERE ref = ?", [ref])
    if not rows:
        raise NotFoundError(f"There is no action {ref!r} in the delivery tracker",
                            hint="`pophealth delivery load` adds the strategy's actions")
    return Action(**rows[0])


def bump_version(con: duckdb.DuckDBPyConnection, ref: str, expected: int) -> int:
    """Claim the next version of an action, or fail if someone else got there first."""
    row = con.execute("UPDATE delivery_action SET version = version + 1 WHERE ref = ? AND version = ? RETURNING version",
                      [ref, expected]).fetchone()
    if row is None:
        current = get_action(con, ref).version
        raise ConflictError(f"Action {ref} is at version {current}, not {expected}: someone else changed it first",
                            hint="reload the action, check their change, and submit again")
    return row[0]


def edit_action(con: duckdb.DuckDBPyConnection, ref: str, expected_version: int, changes: dict[str, Any],
                who: str) -> Action:
    """Change editable fields of an action, guarded by its version; the change is logged."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with write(con, f"Action {ref}"):
        before = get_action(con, ref)
        version = bump_version(con, ref, expected_version)
        after = Action(**{**before.model_dump(), **changes, "version": version})
        con.execute(f"UPDATE delivery_action SET {', '.join(f'{c} = ?' for c in changes)} WHERE ref = ?",
                    [getattr(after, c) for c in changes] + [ref])
        record_change(con, "action", ref, who, before.model_dump(), after.model_dump())
    return after
