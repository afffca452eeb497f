"""Resources behind actions: an amount in pounds, where the money comes from, for which year, and
whether it is prevention spend.

Why: the seed 003 layout records resources as "Y/N" plus a free-text source, which says nothing
about how much, and pledge 2 ("spend more money on preventing people becoming ill") is about exactly
that. The old Y/N and source stay on the action, readable, for actions with no resource recorded.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation

import duckdb
from pydantic import BaseModel, ConfigDict, Field, model_validator

from pophealth.delivery.actions import get_action
from pophealth.delivery.audit import record_change
from pophealth.delivery.db import fetch_dicts, write
from pophealth.errors import InputError, NotFoundError, Problem

_YEAR = re.compile(r"^(\d{4})/(\d{2})$")
MAX_GBP = Decimal("1000000000000")  # a trillion pounds: above this a figure is a typing mistake


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
    return value


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
                   priority_id: str | None = None) -> list[Resource]:
    rows = fetch_dicts(con, f"""SELECT {', '.join(COLUMNS)} FROM delivery_resource
                               WHERE (? IS NULL OR action_ref = ?) AND (? IS NULL OR priority_id = ?)
                               ORDER BY financial_year, resource_id""",
                       [action_ref, action_ref, priority_id, priority_id])
    return [Resource(**r) for r in rows]


def totals_by_action(con: duckdb.DuckDBPyConnection) -> dict[str, Decimal]:
    """Pounds recorded against each action (all years), for the tracker workbook."""
    return {ref: Decimal(total) for ref, total in con.execute(
        "SELECT action_ref, sum(amount_gbp) FROM delivery_resource WHERE action_ref IS NOT NULL GROUP BY 1")
        .fetchall()}
