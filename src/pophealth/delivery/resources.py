"""Resources behind actions: an amount in pounds, where the money comes from, for which year, and
whether it is prevention spend.

Why: the seed 003 layout records resources as "Y/N" plus a free-text source, which says nothing
about how much, and pledge 2 ("spend more money on preventing people becoming ill") is about exactly
that. The old Y/N and source stay on the action, readable, for actions with no resource recorded.

Resources are edited like risks: each edit is guarded by the record's ``version`` (a change made since
the form was read is refused, not overwritten), and removing one sets its status to ``removed`` rather
than deleting the row, so the change log and the record itself keep the history. Lists and totals
count active resources only.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

import duckdb
from pydantic import BaseModel, ConfigDict, Field, model_validator

from pophealth.delivery.actions import get_action
from pophealth.delivery.audit import record_change
from pophealth.delivery.db import fetch_dicts, write
from pophealth.errors import ConflictError, InputError, NotFoundError, Problem

_YEAR = re.compile(r"^(\d{4})/(\d{2})$")
MAX_GBP = Decimal("1000000000000")  # a trillion pounds: above this a figure is a typing mistake
STATUSES = ("active", "removed")
EDITABLE = ("amount_gbp", "funding_source", "financial_year", "prevention", "note", "status")


class Resource(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    resource_id: int
    action_ref: str | None = None
    priority_id: str | None = None
    amount_gbp: Decimal = Field(ge=0, lt=MAX_GBP, decimal_places=2)
    funding_source: str = Field(min_length=1, max_length=300)
    financial_year: str
    prevention: bool
    note: str | None = Field(default=None, max_length=2000)
    recorded_by: str
    recorded_at: datetime
    version: int = 1
    status: Literal["active", "removed"] = "active"

    @model_validator(mode="after")
    def _linked(self) -> Resource:
        if not self.action_ref and not self.priority_id:
            raise ValueError("a resource must name an action or a priority")
        return self


COLUMNS = tuple(Resource.model_fields)


def financial_year(text: str) -> str:
    """"2024/25" (also accepts 2024-25); the two years must follow each other."""
    s = str(text or "").strip().replace("-", "/")
    m = _YEAR.match(s)
    if not m or (int(m.group(1)) + 1) % 100 != int(m.group(2)):
        raise InputError(Problem("resource", f"expected a financial year like 2024/25, got {str(text)[:20]!r}",
                                 column="financial_year"))
    return s


def pounds(text: object, file: str = "resource", row: int | None = None, column: str = "amount_gbp") -> Decimal:
    """An amount in pounds: digits with at most two decimal places, 0 or more; "£" and "," allowed."""
    s = str(text if text is not None else "").strip().replace("£", "").replace(",", "")
    try:
        value = Decimal(s)
    except InvalidOperation:
        raise InputError(Problem(file, f"expected an amount in pounds like 125000 or 125000.50, got {str(text)[:40]!r}",
                                 row=row, column=column)) from None
    if not value.is_finite() or value < 0 or value >= MAX_GBP or value != value.quantize(Decimal("0.01")):
        raise InputError(Problem(file, "expected an amount in pounds of 0 or more with at most two decimal places "
                                 f"(and under £1 trillion), got {str(text)[:40]!r}", row=row, column=column))
    return value.quantize(Decimal("0.01"))  # pence, as stored: the change log then shows what the table holds


def add_resource(con: duckdb.DuckDBPyConnection, *, amount_gbp: Decimal | str | float, funding_source: str,
                 financial_year_text: str, prevention: bool, who: str, action_ref: str | None = None,
                 priority_id: str | None = None, note: str | None = None, at: datetime | None = None) -> Resource:
    """Record money behind an action (its priority is taken from it) or a priority."""
    amount = pounds(amount_gbp)
    year = financial_year(financial_year_text)
    if not str(funding_source or "").strip():
        raise InputError(Problem("resource", "the funding source is required", column="funding_source"))
    with write(con, "The resources"):
        if action_ref:
            priority_id = get_action(con, action_ref).priority_id
        elif priority_id:
            if not con.execute("SELECT 1 FROM delivery_priority WHERE priority_id = ?", [priority_id]).fetchone():
                raise NotFoundError(f"There is no priority {priority_id!r} in the delivery tracker")
        else:
            raise InputError(Problem("resource", "name the action (or the priority) the money is for",
                                     column="action_ref"))
        rid = con.execute("SELECT nextval('delivery_resource_seq')").fetchone()[0]
        r = Resource(resource_id=rid, action_ref=action_ref or None, priority_id=priority_id, amount_gbp=amount,
                     funding_source=funding_source.strip(), financial_year=year, prevention=prevention,
                     note=(note or "").strip() or None, recorded_by=who,
                     recorded_at=at or datetime.now().replace(microsecond=0))
        con.execute(f"INSERT INTO delivery_resource ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
                    [getattr(r, c) for c in COLUMNS])
        record_change(con, "resource", str(rid), who, None, r.model_dump(mode="json"), at=r.recorded_at)
    return r


def list_resources(con: duckdb.DuckDBPyConnection, *, action_ref: str | None = None,
                   priority_id: str | None = None, include_removed: bool = False) -> list[Resource]:
    """Active resources (and removed ones when asked), by year then the order they were recorded."""
    rows = fetch_dicts(con, f"""SELECT {', '.join(COLUMNS)} FROM delivery_resource
                               WHERE (? IS NULL OR action_ref = ?) AND (? IS NULL OR priority_id = ?)
                                 AND (? OR status = 'active')
                               ORDER BY financial_year, resource_id""",
                       [action_ref, action_ref, priority_id, priority_id, include_removed])
    return [Resource(**r) for r in rows]


def get_resource(con: duckdb.DuckDBPyConnection, resource_id: int) -> Resource:
    rows = fetch_dicts(con, f"SELECT {', '.join(COLUMNS)} FROM delivery_resource WHERE resource_id = ?",
                       [resource_id])
    if not rows:
        raise NotFoundError(f"There is no resource number {resource_id}",
                            hint="`pophealth resources list` shows what is recorded")
    return Resource(**rows[0])


def edit_resource(con: duckdb.DuckDBPyConnection, resource_id: int, expected_version: int,
                  changes: dict[str, Any], who: str, at: datetime | None = None) -> Resource:
    """Change a resource, guarded by its version (someone else's edit since you read it is a conflict).

    Amount and year are checked with the same rules as when it was added, so the form and the CLI
    name the field in plain words."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    checked = dict(changes)
    if "amount_gbp" in checked:
        checked["amount_gbp"] = pounds(checked["amount_gbp"])
    if "financial_year" in checked:
        checked["financial_year"] = financial_year(checked["financial_year"])
    if "funding_source" in checked:
        checked["funding_source"] = str(checked["funding_source"] or "").strip()
        if not checked["funding_source"]:
            raise InputError(Problem("resource", "the funding source is required", column="funding_source"))
    if "note" in checked:
        checked["note"] = str(checked["note"] or "").strip() or None
    if checked.get("status", "active") not in STATUSES:
        raise InputError(Problem("resource", f"status must be active or removed, got {checked['status']!r}",
                                 column="status"))
    with write(con, f"Resource {resource_id}"):
        before = get_resource(con, resource_id)
        if before.version != expected_version:
            raise ConflictError(f"Resource {resource_id} is at version {before.version}, not {expected_version}: "
                                "someone else changed it first", hint="reload it, check their change, and try again")
        if before.status == "removed":
            raise ConflictError(f"Resource {resource_id} has been removed, so it can no longer be changed",
                                hint="add a new resource instead")
        after = Resource(**{**before.model_dump(), **checked, "version": before.version + 1, "recorded_by": who,
                            "recorded_at": at or datetime.now().replace(microsecond=0)})
        fields = [c for c in COLUMNS if c != "resource_id"]
        con.execute(f"UPDATE delivery_resource SET {', '.join(f'{c} = ?' for c in fields)} WHERE resource_id = ?",
                    [getattr(after, c) for c in fields] + [resource_id])
        record_change(con, "resource", str(resource_id), who, before.model_dump(mode="json"),
                      after.model_dump(mode="json"), at=after.recorded_at)
    return after


def remove_resource(con: duckdb.DuckDBPyConnection, resource_id: int, expected_version: int, who: str,
                    at: datetime | None = None) -> Resource:
    """Remove a resource: the row stays (status ``removed``) and drops out of lists and totals."""
    return edit_resource(con, resource_id, expected_version, {"status": "removed"}, who, at)


def resource_history(con: duckdb.DuckDBPyConnection, resource_id: int) -> list[dict[str, Any]]:
    """Every version of a resource, oldest first, from the change log."""
    from pophealth.delivery.audit import changes

    return changes(con, "resource", str(resource_id))


def totals_by_action(con: duckdb.DuckDBPyConnection) -> dict[str, Decimal]:
    """Pounds recorded against each action (all years, active resources), for the tracker workbook."""
    return {ref: Decimal(total) for ref, total in con.execute(
        "SELECT action_ref, sum(amount_gbp) FROM delivery_resource WHERE action_ref IS NOT NULL AND status = 'active' "
        "GROUP BY 1")
        .fetchall()}
