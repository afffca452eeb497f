"""Do / Sponsor / Watch governance (seed 002), board highlight reports and the review cycle.

- **Do**: a named Senior Responsible Officer; progress reported at every board meeting, so the
  highlight report shows each Do priority's roll-up and its exceptions in full.
- **Sponsor**: a named board sponsor; reported annually, or when it escalates.
- **Watch**: business as usual; reaches the board only when it escalates.
An escalation is any action of the priority rated Red overall or for risk. Sponsor and Watch
lists are reviewed annually; the strategy has a major review gateway every three years.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
from pydantic import BaseModel

from pophealth.delivery.audit import record_change
from pophealth.delivery.db import fetch_dicts, write
from pophealth.delivery.records import Governance
from pophealth.delivery.rollup import Rollup, rollup
from pophealth.delivery.periods import list_periods
from pophealth.delivery.seed import BOARDS
from pophealth.delivery.tracker import TrackerRow, resolve_period, tracker_rows
from pophealth.errors import NotFoundError

# The Leicestershire JHWS runs 2022-2032 with review gateways on a 3-year cycle (seed 002).
JHWS_SPAN = (2022, 2032)
GATEWAY_CYCLE_YEARS = 3


def insert_governance(con: duckdb.DuckDBPyConnection, g: Governance, who: str) -> None:
    con.execute("INSERT INTO delivery_governance VALUES (?, ?, ?, ?, ?)",
                [g.priority_id, g.level, g.officer, g.board, g.last_reviewed])
    record_change(con, "governance", g.priority_id, who, None, g.model_dump())


def list_governance(con: duckdb.DuckDBPyConnection) -> list[Governance]:
    rows = fetch_dicts(con, """SELECT g.* FROM delivery_governance g JOIN delivery_priority p USING (priority_id)
                               ORDER BY p.position""")
    return [Governance(**r) for r in rows]


def set_governance(con: duckdb.DuckDBPyConnection, g: Governance, who: str) -> Governance:
    """Assign or change a priority's level, officer, board or review date; logged."""
    with write(con, f"Governance of {g.priority_id}"):
        if not con.execute("SELECT 1 FROM delivery_priority WHERE priority_id = ?", [g.priority_id]).fetchone():
            raise NotFoundError(f"There is no priority {g.priority_id!r}")
        before = next((x for x in list_governance(con) if x.priority_id == g.priority_id), None)
        con.execute("DELETE FROM delivery_governance WHERE priority_id = ?", [g.priority_id])
        con.execute("INSERT INTO delivery_governance VALUES (?, ?, ?, ?, ?)",
                    [g.priority_id, g.level, g.officer, g.board, g.last_reviewed])
        record_change(con, "governance", g.priority_id, who, before and before.model_dump(), g.model_dump())
    return g


class PriorityReport(BaseModel):
    governance: Governance
    rollup: Rollup
    exceptions: list[TrackerRow]  # Red/Amber, overdue, or changed status since the last period
    escalated: bool


class HighlightReport(BaseModel):
    board: str
    period_id: str | None
    as_of: date
    do: list[PriorityReport]
    escalated: list[PriorityReport]  # sponsor and watch priorities with a Red action
    sponsor_annual: list[PriorityReport]  # sponsor priorities whose annual highlight is due
    review_due: list[Governance]
    next_gateway: int | None


def _exceptional(r: TrackerRow) -> bool:
    """An action the board must see: rated Red or Amber, Red for risk (it escalates its workstream, so it is
    listed as the reason), overdue, or changed."""
    return (r.overall_rag in ("Red", "Amber") or r.risk_rag == "Red" or r.overdue
            or r.status_change in ("Improved", "Worsened", "New"))


def review_due(g: Governance, as_of: date) -> bool:
    return g.level != "do" and (g.last_reviewed is None or g.last_reviewed <= as_of - timedelta(days=365))


def annual_review_list(con: duckdb.DuckDBPyConnection, as_of: date) -> list[Governance]:
    """Sponsor and Watch workstreams not reviewed in the last year."""
    return [g for g in list_governance(con) if review_due(g, as_of)]


def review_gateways(span: tuple[int, int] = JHWS_SPAN, cycle: int = GATEWAY_CYCLE_YEARS) -> list[int]:
    """Years of the major review gateways: every ``cycle`` years after the start, within the span."""
    return list(range(span[0] + cycle, span[1] + 1, cycle))


def next_gateway(as_of: date, span: tuple[int, int] = JHWS_SPAN) -> int | None:
    return next((y for y in review_gateways(span) if y >= as_of.year), None)


def highlight_report(con: duckdb.DuckDBPyConnection, board: str, period_id: str | None = None,
                     as_of: date | None = None) -> HighlightReport:
    """What one board meeting receives for a reporting period."""
    as_of = as_of or date.today()
    rows = tracker_rows(con, period_id, as_of)
    by_priority: dict[str, list[TrackerRow]] = {}
    for r in rows:
        by_priority.setdefault(r.action.priority_id, []).append(r)
    reports = []
    for g in list_governance(con):
        if g.board != board:
            continue
        members = by_priority.get(g.priority_id, [])
        roll = rollup(members, "priority")
        if not roll:
            continue
        escalated = any(r.overall_rag == "Red" or r.risk_rag == "Red" for r in members)
        reports.append(PriorityReport(governance=g, rollup=roll[0], escalated=escalated,
                                      exceptions=[r for r in members if _exceptional(r)]))
    period = resolve_period(list_periods(con), period_id)
    return HighlightReport(
        board=board, period_id=period and period.period_id, as_of=as_of,
        do=[p for p in reports if p.governance.level == "do"],
        escalated=[p for p in reports if p.governance.level != "do" and p.escalated],
        sponsor_annual=[p for p in reports if p.governance.level == "sponsor" and review_due(p.governance, as_of)],
        review_due=[g for g in annual_review_list(con, as_of) if g.board == board],
        next_gateway=next_gateway(as_of) if board == BOARDS["jhws"] else None)
