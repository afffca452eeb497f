"""Action progress for the public: the public fields of the delivery tracker and its roll-ups.

Only what the public may see leaves here: the action's wording (Ambition / We will / By / I will),
its timescale, stage, overall RAG and the change since the last period. Leads, narratives,
evidence, risk and resourcing stay inside. With no tracker loaded, the actions come straight from
the strategy register and every action reads "Not rated" (nothing is invented).

Numbers of actions are counts of plan items, not of people, so they are not suppressed; their
columns are named ``actions``, ``red`` ... and never as counts.
"""

from __future__ import annotations

import duckdb
from pydantic import BaseModel

from pophealth.delivery.actions import list_actions, list_activities, list_priorities
from pophealth.delivery.periods import list_periods
from pophealth.delivery.records import Activity, Priority
from pophealth.delivery.rollup import Rollup, rollup
from pophealth.delivery.seed import build_records
from pophealth.delivery.tracker import TrackerRow, tracker_rows
from pophealth.strategy import Strategy


def without_lead_in(text: str | None, lead_in: str) -> str | None:
    """The commitment without its printed lead-in ("We will ...", "I will ..."), which the page supplies."""
    if text is None:
        return None
    stripped = text.strip()
    if stripped.lower().startswith(lead_in.lower() + " "):
        return stripped[len(lead_in) + 1:].lstrip(" :") or stripped
    return stripped


class PublicAction(BaseModel):
    ref: str
    priority_id: str
    ambition: str | None
    we_will: str
    by: list[str]
    i_will: str | None
    timescale: str | None
    stage: str
    rag: str
    change: str
    overdue: bool
    pledges: list[int]


class Progress(BaseModel):
    period: str | None  # the reporting period the ratings are as at; None: no tracker loaded
    priorities: list[Priority]
    actions: dict[str, list[PublicAction]]  # by priority_id
    by_priority: dict[str, Rollup]
    by_pledge: dict[int, Rollup]


def _seed_rows(strategy: Strategy) -> tuple[list[Priority], list[TrackerRow], list[Activity]]:
    records = build_records(strategy)
    names = {p.priority_id: p for p in records.priorities}
    rows = [TrackerRow(action=a, programme=names[a.priority_id].programme, theme=names[a.priority_id].theme,
                       priority_name=names[a.priority_id].name, stage=None, overall_rag=None, risk_rag=None,
                       trajectory_rag=None, status_change="Not rated", overdue=False, due=None,
                       timescale_uncertain=False, latest=None) for a in records.actions]
    return records.priorities, rows, records.activities


def read_progress(con: duckdb.DuckDBPyConnection, strategy: Strategy) -> Progress:
    """The tracker as at its latest period, or the strategy's actions unrated if none is loaded."""
    period = None
    if list_actions(con):
        priorities, rows, activities = list_priorities(con), tracker_rows(con), list_activities(con)
        periods = list_periods(con)
        period = periods[-1].period_id if periods else None
    else:
        priorities, rows, activities = _seed_rows(strategy)
    by: dict[str, list[str]] = {}
    for act in activities:
        by.setdefault(act.action_ref, []).append(act.text)
    actions: dict[str, list[PublicAction]] = {}
    for r in rows:
        a = r.action
        actions.setdefault(a.priority_id, []).append(PublicAction(
            ref=a.ref, priority_id=a.priority_id, ambition=a.ambition, we_will=without_lead_in(a.we_will, "We will"),
            by=by.get(a.ref, []), i_will=without_lead_in(a.i_will, "I will"), timescale=a.timescale, stage=r.stage or "Not started", rag=r.overall_rag or "Not rated",
            change=r.status_change, overdue=r.overdue, pledges=a.pledges))
    return Progress(period=period, priorities=priorities, actions=actions,
                    by_priority={g.key: g for g in rollup(rows, "priority")},
                    by_pledge={int(g.key): g for g in rollup(rows, "pledge")})
