"""The review cycle of Do / Sponsor / Watch levels (seed 002, 8.1), as tasks due from each level's date.

- Sponsor: a highlight report to the board and a review of the sponsor list, annually.
- Watch: the watch list is reviewed annually.
- Every level: the strategy's major review gateway comes every three years; a level decided on a
  date is due for its gateway review three years later.
A task is due from its date on; it is overdue once that date has passed.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from pophealth.strategy.boards_models import Level

ANNUAL = {"sponsor": "Annual sponsor review and highlight report to the board",
          "watch": "Annual review of the watch list"}
GATEWAY = "Three-year review gateway"
GATEWAY_YEARS = 3


class DueTask(BaseModel):
    priority_id: str
    level: str
    task: str
    due: dt.date
    overdue: bool


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (29 February becomes 28 February in a year that has none)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def tasks_for(level: Level, as_of: dt.date) -> list[DueTask]:
    out = []
    if level.level in ANNUAL:
        due = add_years(level.decided_on, 1)
        out.append(DueTask(priority_id=level.priority_id, level=level.level, task=ANNUAL[level.level], due=due,
                           overdue=due < as_of))
    gateway = add_years(level.decided_on, GATEWAY_YEARS)
    out.append(DueTask(priority_id=level.priority_id, level=level.level, task=GATEWAY, due=gateway,
                       overdue=gateway < as_of))
    return out


def due_tasks(levels: list[Level], as_of: dt.date) -> list[DueTask]:
    """Every level's next reviews, soonest first."""
    return sorted((t for lv in levels for t in tasks_for(lv, as_of)), key=lambda t: (t.due, t.priority_id))
