"""What an own-data indicator counts (event definitions) and where people are grouped (area levels).

Both are data for :mod:`pophealth.indicators.own_data`: adding an indicator is one more
``EventDefinition`` built from a per-person query of :mod:`pophealth.omop`; adding an area level
is one more ``AreaLevel`` naming a column of the ``person_geography`` view (migration 0410) or of
``person``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import ibis.expr.types as ir

from pophealth.errors import NotFoundError
from pophealth.omop import Cdm, emergency_admissions

# NHS ethnic category (16 groups) as the synthetic population and GP systems record it (1-16).
ETHNIC_GROUPS = {
    "1": "White - British", "2": "White - Irish", "3": "White - Any other White background",
    "4": "Mixed - White and Black Caribbean", "5": "Mixed - White and Black African",
    "6": "Mixed - White and Asian", "7": "Mixed - Any other mixed background",
    "8": "Asian or Asian British - Indian", "9": "Asian or Asian British - Pakistani",
    "10": "Asian or Asian British - Bangladeshi", "11": "Asian or Asian British - Any other Asian background",
    "12": "Black or Black British - Caribbean", "13": "Black or Black British - African",
    "14": "Black or Black British - Any other Black background", "15": "Other Ethnic Groups - Chinese",
    "16": "Other Ethnic Groups - Any other ethnic group",
}
NOT_RECORDED = "Not recorded"


@dataclass(frozen=True)
class EventDefinition:
    """An event counted per person in a date window, and how to judge its rate."""

    slug: str
    title: str
    per_person: Callable[[Cdm, dt.date, dt.date], ir.Table]   # person_id, value = events in the window
    polarity: str = "RAG_low_is_good"                          # the stats engine's polarity words
    multiplier: int = 100_000

    @property
    def unit(self) -> str:
        return f"per {self.multiplier:,} person-years"


@dataclass(frozen=True)
class AreaLevel:
    """A way of grouping people: a code column (and optional name column) of a per-person table."""

    slug: str
    title: str
    table: str                  # "person_geography" or "person"
    code: str
    name: str | None = None
    parent: str | None = None   # the level whose areas each hold whole areas of this one (practice in PCN)

    def label(self, code: str, name: str | None) -> str:
        if self.slug == "ethnic-group":
            return ETHNIC_GROUPS.get(code, code)
        if self.slug == "imd-decile" and code.isdigit():
            return {"1": "1 (most deprived)", "10": "10 (least deprived)"}.get(code, code)
        return name or code


EVENTS = {e.slug: e for e in (
    EventDefinition("emergency-admissions", "Emergency admissions", emergency_admissions),
)}
LEVELS = {a.slug: a for a in (
    AreaLevel("practice", "GP practice", "person_geography", "practice_code", parent="pcn"),
    AreaLevel("pcn", "Primary care network", "person_geography", "pcn_code", "pcn_name"),
    AreaLevel("district", "District", "person_geography", "ltla_code", "ltla_name", parent="place"),
    AreaLevel("place", "Place", "person_geography", "place"),
    AreaLevel("imd-decile", "IMD 2025 decile", "person_geography", "imd2025_decile"),
    AreaLevel("ethnic-group", "Ethnic group", "person", "race_source_value"),
)}


def event(slug: str) -> EventDefinition:
    if slug not in EVENTS:
        raise NotFoundError(f"No own-data indicator {slug!r} (known: {', '.join(EVENTS)})")
    return EVENTS[slug]


def nested_levels(area_level: AreaLevel) -> list[AreaLevel]:
    """The levels nested with ``area_level``, finest first (practice, PCN): they are published under one
    disclosure protection, so that one page cannot be differenced against another."""
    chain = [area_level]
    while chain[-1].parent:
        chain.append(LEVELS[chain[-1].parent])
    while (finer := [x for x in LEVELS.values() if x.parent == chain[0].slug]):
        chain.insert(0, finer[0])
    return chain


def level(slug: str) -> AreaLevel:
    if slug not in LEVELS:
        raise NotFoundError(f"No area level {slug!r} (known: {', '.join(LEVELS)})")
    return LEVELS[slug]
