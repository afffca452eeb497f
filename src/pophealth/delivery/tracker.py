"""The tracker as reported for a period: each action with its state derived from its history.

- Stage and the three RAGs are those of the action's latest update in or before the period.
- Status change compares the overall RAG at the end of this period with the end of the previous
  period: Improved, Worsened, No change, New (first rating), Not rated. It is never typed.
- Overdue: the timescale's last financial year has ended (``as_of`` is after 31 March of it) and
  the action is not at stage Complete. Open-ended ("From 27/28") and undated actions never are.
- Risk/issue RAG, in the latest period: the RAG of the action's highest open risk or issue in the risk
  log (``delivery.risks``), when it has one open; otherwise the latest update's. ``risk_rag_source``
  says which ("risk log" or "update"). Earlier periods show the update's, as reported at the time.
"""

from __future__ import annotations

from datetime import date

import duckdb
from pydantic import BaseModel

from pophealth.delivery.actions import list_actions, list_priorities
from pophealth.delivery.periods import list_periods, previous_period
from pophealth.delivery.records import RAGS, Action, Period, Update
from pophealth.delivery.risks import action_risk_rags
from pophealth.delivery.timescales import parse_timescale
from pophealth.delivery.updates import history
from pophealth.errors import NotFoundError

_ORDER = {r: i for i, r in enumerate(RAGS)}  # Red worst


class TrackerRow(BaseModel):
    action: Action
    programme: str
    theme: str
    priority_name: str
    stage: str | None
    overall_rag: str | None
    risk_rag: str | None
    trajectory_rag: str | None
    status_change: str
    overdue: bool
    due: date | None
    timescale_uncertain: bool
    latest: Update | None
    risk_rag_source: str | None = None  # "risk log" (highest open score) or "update" (as typed); None: no RAG
    risk_score: int | None = None  # the highest open score when the risk log sets the RAG


def status_change(before: str | None, now: str | None) -> str:
    if now is None:
        return "Not rated"
    if before is None:
        return "New"
    if _ORDER[now] == _ORDER[before]:
        return "No change"
    return "Improved" if _ORDER[now] > _ORDER[before] else "Worsened"


def resolve_period(periods: list[Period], period_id: str | None) -> Period | None:
    """The named period, or the latest one when none is named."""
    if period_id is None:
        return periods[-1] if periods else None
    found = [p for p in periods if p.period_id == period_id]
    if not found:
        raise NotFoundError(f"There is no reporting period {period_id!r}")
    return found[0]


def tracker_rows(con: duckdb.DuckDBPyConnection, period_id: str | None = None,
                 as_of: date | None = None) -> list[TrackerRow]:
    """Every action as at the end of ``period_id`` (default: the latest period)."""
    as_of = as_of or date.today()
    periods = list_periods(con)
    period = resolve_period(periods, period_id)
    prev = previous_period(periods, period) if period else None
    starts = {p.period_id: p.starts for p in periods}

    def latest(updates: list[Update], upto) -> Update | None:
        chosen = [u for u in updates if upto is not None and starts[u.period_id] <= upto.starts]
        return chosen[-1] if chosen else None

    by_ref: dict[str, list[Update]] = {}
    for u in history(con):
        by_ref.setdefault(u.action_ref, []).append(u)
    priorities = {p.priority_id: p for p in list_priorities(con)}
    current = period is None or period.period_id == periods[-1].period_id
    logged = action_risk_rags(con) if current else {}
    rows = []
    for a in list_actions(con):
        now = latest(by_ref.get(a.ref, []), period)
        before = latest(by_ref.get(a.ref, []), prev)
        ts = parse_timescale(a.timescale)
        stage = now.stage if now else None
        pr = priorities[a.priority_id]
        log = logged.get(a.ref)
        risk_rag = log.rag if log else (now and now.risk_rag)
        rows.append(TrackerRow(
            action=a, programme=pr.programme, theme=pr.theme, priority_name=pr.name, stage=stage,
            overall_rag=now and now.overall_rag, risk_rag=risk_rag,
            risk_rag_source="risk log" if log else ("update" if risk_rag else None),
            risk_score=log.score if log else None, trajectory_rag=now and now.trajectory_rag,
            status_change=status_change(before and before.overall_rag, now and now.overall_rag),
            overdue=bool(ts and ts.overdue(as_of) and stage != "Complete"),
            due=ts.ends if ts else None, timescale_uncertain=bool(ts and ts.uncertain), latest=now))
    return rows


def filter_rows(rows: list[TrackerRow], *, theme: str | None = None, priority: str | None = None,
                rag: str | None = None, lead: str | None = None, overdue: bool | None = None,
                programme: str | None = None) -> list[TrackerRow]:
    """Rows matching every filter given; ``rag="Not rated"`` finds actions with no rating yet."""
    def keep(r: TrackerRow) -> bool:
        return ((not theme or r.theme == theme) and (not priority or r.action.priority_id == priority)
                and (not programme or r.programme == programme)
                and (not rag or (r.overall_rag or "Not rated") == rag)
                and (not lead or lead.lower() in (r.action.leads or "").lower())
                and (overdue is None or r.overdue == overdue))
    return [r for r in rows if keep(r)]
