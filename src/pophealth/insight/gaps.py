"""The gap map: which priorities have no insight, none from a PLUS group, or none from a place they serve.

Seed 003 asks "Where are the gaps in our insight?" per priority of the delivery plan; this answers it for every
priority of the register. A priority serves the places of the plan it belongs to: Leicester's plan serves
Leicester, the Leicestershire JHWS Leicestershire, Rutland's JHWS Rutland, and the system-wide plans all three.
Insight heard across LLR covers every place.
"""

from __future__ import annotations

from dataclasses import dataclass

from pophealth.insight.models import Insight
from pophealth.strategy.models import Strategy
from pophealth.strategy.priorities import priority_refs

ALL_PLACES = ("Leicester", "Leicestershire", "Rutland")
PLACES_SERVED = {"leicester": ("Leicester",), "jhws": ("Leicestershire",), "rutland": ("Rutland",)}


@dataclass(frozen=True)
class PriorityGaps:
    ref: str
    name: str
    kind_label: str
    records: int
    people: int | None  # sum of stated numbers (staff view); None when no record states one
    plus_groups_heard: tuple[str, ...]
    plus_groups_missing: tuple[str, ...]  # the PLUS groups of initial focus with no insight here
    places_missing: tuple[str, ...]

    @property
    def gaps(self) -> list[str]:
        """The gaps in words, empty when there are none."""
        if not self.records:
            return ["No insight recorded"]
        out = []
        if not self.plus_groups_heard:
            out.append("No insight from a PLUS group")
        if self.places_missing:
            out.append("No insight from " + " or ".join(self.places_missing))
        return out


def gap_map(strategy: Strategy, insights: list[Insight]) -> list[PriorityGaps]:
    """One row per priority of the register, in register order."""
    plus_names = {g.id: g.name for g in strategy.leicester.plus_groups}
    focus_groups = [g.id for g in strategy.leicester.plus_groups if g.initial_focus]
    rows = []
    for ref in priority_refs(strategy):
        mine = [i for i in insights if ref.ref in i.priorities]
        heard = sorted({i.plus_group for i in mine if i.plus_group})
        places: set[str] = set()
        for i in mine:
            places |= set(ALL_PLACES) if i.place == "LLR" else ({i.place} if i.place else set())
        served = PLACES_SERVED.get(ref.kind, ALL_PLACES)
        stated = [i.people for i in mine if i.people is not None]
        rows.append(PriorityGaps(
            ref=ref.ref, name=ref.name, kind_label=ref.kind_label, records=len(mine),
            people=sum(stated) if stated else None,
            plus_groups_heard=tuple(plus_names[g] for g in heard if g in plus_names),
            plus_groups_missing=tuple(plus_names[g] for g in focus_groups if g not in heard),
            places_missing=tuple(p for p in served if p not in places)))
    return rows
