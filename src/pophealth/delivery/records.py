"""Typed records of the delivery tracker, in the seed 003 delivery-plan layout.

The vocabularies (stages, RAG ratings, governance levels) live here so the engine, the Excel
round-trip and the web form agree on them. Current stage and RAGs are not part of an action:
they are the latest update in its history, so they can never drift from it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

STAGES = ("Started", "Feasibility", "Delivery", "Evaluation", "Complete")
RAGS = ("Red", "Amber", "Green")
YES_NO = ("Y", "N")
LEVELS = ("do", "sponsor", "watch")
PROGRAMMES = {
    "jfp": "Joint Forward Plan (seed 001)",
    "ics": "Integrated Care Strategy areas of focus (seed 004)",
    "jhws": "Leicestershire Joint Health and Wellbeing Strategy (seed 002)",
    "leicester": "Leicester Health, Care and Wellbeing delivery plan (seed 003)",
    "rutland": "Rutland Joint Health and Wellbeing Strategy priorities (seed 004 Table 1)",
    "enabler": "Integrated Care Strategy enablers (seed 004)",
}

Stage = Literal["Started", "Feasibility", "Delivery", "Evaluation", "Complete"]
Rag = Literal["Red", "Amber", "Green"]
Level = Literal["do", "sponsor", "watch"]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Priority(Record):
    priority_id: str
    programme: str
    theme: str
    name: str
    position: int


class Activity(Record):
    """A key activity / deliverable / milestone of an action (the microsite "By" rows)."""

    action_ref: str
    activity_ref: str
    text: str
    timescale: str | None = None


class Action(Record):
    """The editable part of one tracker row; ``version`` guards against lost updates."""

    ref: str
    priority_id: str
    position: int
    we_will: str
    equity_statement: str | None = None
    equity: Literal["Y", "N"] | None = None
    resources: Literal["Y", "N"] | None = None
    resources_source: str | None = None
    engagement: str | None = None
    governance: str | None = None
    timescale: str | None = None
    leads: str | None = None
    ambition: str | None = None
    i_will: str | None = None
    pledges: list[int] = Field(default_factory=list)
    measures: list[str] = Field(default_factory=list)
    source: str
    version: int = 1


EDITABLE_FIELDS = ("we_will", "equity_statement", "equity", "resources", "resources_source", "engagement",
                   "governance", "timescale", "leads", "ambition", "i_will")


class Update(Record):
    """One progress report on an action in a reporting period, by the action's lead."""

    action_ref: str
    version: int
    period_id: str
    stage: Stage
    overall_rag: Rag
    risk_rag: Rag
    trajectory_rag: Rag
    narrative: str
    evidence: str | None = None
    editor: str
    recorded_at: datetime


class Period(Record):
    period_id: str
    starts: date
    ends: date
    opened_by: str
    closed_at: datetime | None = None
    closed_by: str | None = None


class Governance(Record):
    """Do / Sponsor / Watch for one priority, with its named officer and board."""

    priority_id: str
    level: Level
    officer: str | None = None
    board: str
    last_reviewed: date | None = None
