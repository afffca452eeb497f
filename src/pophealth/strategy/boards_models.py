"""Typed records of the boards register: organisations, boards, people, memberships, meetings, levels.

The shipped register (``strategy/data/llr/boards/*.yaml``) cites the seed section of every entry;
meetings are never shipped, because no seed gives a meeting date. A meeting made for a test or a
demonstration carries ``demo=True`` and never reaches a public output.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from pophealth.strategy.models import Source

PROGRAMMES = ("jfp", "ics", "jhws", "leicester", "rutland", "enabler")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _slug(value: str) -> str:
    if not _SLUG.match(value):
        raise ValueError(f"{value!r} is not an id: use lower-case words joined by hyphens")
    return value


class Organisation(Record):
    id: str
    name: str = Field(min_length=1, max_length=200)
    short_name: str | None = None
    kind: Literal["nhs", "council", "healthwatch", "vcse", "other"] = "other"
    source: Source | None = None  # None: added by an admin on the web
    note: str | None = None

    _id = field_validator("id")(_slug)


class Stakeholders(Record):
    """The organisations and groups consulted for a plan, as the seed lists them."""

    source: Source
    consulted_for: str
    names: list[str]


class Board(Record):
    id: str
    name: str = Field(min_length=1, max_length=200)
    organisation: str | None = None
    kind: str
    programmes: list[Literal["jfp", "ics", "jhws", "leicester", "rutland", "enabler"]] = Field(default_factory=list)
    pledges: bool = False  # receives the pledge measures (seed 000)
    members_organisations: list[str] = Field(default_factory=list)
    source: Source | None = None
    note: str | None = None

    _id = field_validator("id")(_slug)


class Role(Record):
    board: str
    role: str


class Person(Record):
    """An SRO, sponsor, action lead or board member; ``username`` links the account they sign in with."""

    id: str
    name: str = Field(min_length=1, max_length=200)
    organisation: str | None = None
    username: str | None = None
    source: Source | None = None
    roles: list[Role] = Field(default_factory=list)  # register file only: becomes memberships

    _id = field_validator("id")(_slug)


class Membership(Record):
    """A person's seat on a board, valid from ``starts`` to ``ends`` (open-ended when None)."""

    membership_id: int
    board_id: str
    person_id: str
    role: str
    starts: dt.date | None = None  # None: as stated in the seed, date not given
    ends: dt.date | None = None
    source: str | None = None  # "seed 004: Foreword signatories", or who added it


class Meeting(Record):
    meeting_id: str
    board_id: str
    meeting_date: dt.date
    demo: bool = False
    added_by: str
    added_at: dt.datetime


class Level(Record):
    """One decision on a priority's Do / Sponsor / Watch level; the latest is in force."""

    priority_id: str
    level: Literal["do", "sponsor", "watch"]
    officer_person_id: str | None = None  # the SRO (do) or sponsor
    board_id: str
    reason: str = Field(min_length=1, max_length=2000)
    decided_on: dt.date
    set_by: str
    set_at: dt.datetime


class Register(Record):
    """The shipped register as read from YAML."""

    organisations: list[Organisation]
    stakeholders: Stakeholders | None = None
    boards: list[Board]
    people: list[Person]
