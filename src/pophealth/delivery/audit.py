"""The change log: who changed what, when, and the record before and after, as JSON.

Every write in the delivery engine calls ``record_change`` inside the same transaction as the
change itself, so a change and its log entry land together or not at all.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import duckdb

from pophealth.delivery.db import fetch_dicts


def _json(value: dict[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value, default=str, ensure_ascii=False, sort_keys=True)


# the change logs written this way: the delivery tracker's and the boards register's (same columns)
LOGS = ("delivery_change", "board_change")


def record_change(con: duckdb.DuckDBPyConnection, entity: str, key: str, who: str,
                  before: dict[str, Any] | None, after: dict[str, Any] | None, at: datetime | None = None,
                  log: str = "delivery_change") -> None:
    assert log in LOGS, log
    con.execute(f"INSERT INTO {log} (entity, key, who, changed_at, before, after) VALUES (?, ?, ?, ?, ?, ?)",
                [entity, key, who, at or datetime.now(), _json(before), _json(after)])


def changes(con: duckdb.DuckDBPyConnection, entity: str | None = None, key: str | None = None,
            log: str = "delivery_change") -> list[dict[str, Any]]:
    """The log, oldest first, with ``before``/``after`` decoded."""
    assert log in LOGS, log
    rows = fetch_dicts(con, f"""SELECT change_id, entity, key, who, changed_at, before, after FROM {log}
                               WHERE (? IS NULL OR entity = ?) AND (? IS NULL OR key = ?) ORDER BY change_id""",
                       [entity, entity, key, key])
    for r in rows:
        r["before"] = json.loads(r["before"]) if r["before"] else None
        r["after"] = json.loads(r["after"]) if r["after"] else None
    return rows
