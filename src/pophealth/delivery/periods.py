"""Reporting periods: one open at a time; updates land in the open period; closing freezes it."""

from __future__ import annotations

from datetime import date, datetime

import duckdb

from pophealth.delivery.audit import record_change
from pophealth.delivery.db import fetch_dicts, write
from pophealth.delivery.records import Period
from pophealth.errors import ConflictError, InputError, NotFoundError, Problem


def list_periods(con: duckdb.DuckDBPyConnection) -> list[Period]:
    return [Period(**r) for r in fetch_dicts(con, "SELECT * FROM delivery_period ORDER BY starts, period_id")]


def get_period(con: duckdb.DuckDBPyConnection, period_id: str) -> Period:
    found = [p for p in list_periods(con) if p.period_id == period_id]
    if not found:
        raise NotFoundError(f"There is no reporting period {period_id!r}")
    return found[0]


def open_period(con: duckdb.DuckDBPyConnection, period_id: str, starts: date, ends: date, who: str) -> Period:
    """Open a new period; refused while another is open or if it overlaps one already reported."""
    if ends < starts:
        raise InputError(Problem("period", f"ends {ends} before it starts {starts}", column="ends"))
    with write(con, "The reporting periods"):
        periods = list_periods(con)
        if any(p.period_id == period_id for p in periods):
            raise ConflictError(f"Reporting period {period_id!r} already exists")
        still_open = [p.period_id for p in periods if p.closed_at is None]
        if still_open:
            raise ConflictError(f"Reporting period {still_open[0]!r} is still open", hint="close it first")
        clash = [p.period_id for p in periods if p.starts <= ends and starts <= p.ends]
        if clash:
            raise ConflictError(f"{period_id!r} overlaps reporting period {clash[0]!r}")
        period = Period(period_id=period_id, starts=starts, ends=ends, opened_by=who)
        insert_period(con, period, who)
    return period


def insert_period(con: duckdb.DuckDBPyConnection, p: Period, who: str) -> None:
    con.execute("INSERT INTO delivery_period VALUES (?, ?, ?, ?, ?, ?)",
                [p.period_id, p.starts, p.ends, p.opened_by, p.closed_at, p.closed_by])
    record_change(con, "period", p.period_id, who, None, p.model_dump())


def close_period(con: duckdb.DuckDBPyConnection, period_id: str, who: str, at: datetime | None = None) -> Period:
    with write(con, f"Reporting period {period_id}"):
        before = get_period(con, period_id)
        if before.closed_at is not None:
            raise ConflictError(f"Reporting period {period_id!r} was already closed by {before.closed_by}")
        after = before.model_copy(update={"closed_at": at or datetime.now().replace(microsecond=0), "closed_by": who})
        con.execute("UPDATE delivery_period SET closed_at = ?, closed_by = ? WHERE period_id = ?",
                    [after.closed_at, who, period_id])
        record_change(con, "period", period_id, who, before.model_dump(), after.model_dump())
    return after


def open_period_now(con: duckdb.DuckDBPyConnection) -> Period | None:
    found = [p for p in list_periods(con) if p.closed_at is None]
    return found[0] if found else None


def previous_period(periods: list[Period], period: Period) -> Period | None:
    earlier = [p for p in periods if p.starts < period.starts]
    return earlier[-1] if earlier else None
