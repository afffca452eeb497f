"""RAG roll-ups per priority, theme, programme and pledge.

Rule (worst-of): a group is Red if any of its rated actions is Red, else Amber if any is Amber,
else Green when it has rated actions; with no rated action it is "Not rated". Counts of every
rating, of unrated, overdue and complete actions sit beside it, so a Green roll-up over two rated
actions out of forty is visible as such. An action linked to several pledges counts in each.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from pophealth.delivery.records import RAGS
from pophealth.delivery.tracker import TrackerRow

By = Literal["priority", "theme", "programme", "pledge"]


class Rollup(BaseModel):
    key: str
    label: str
    actions: int
    red: int
    amber: int
    green: int
    not_rated: int
    overdue: int
    complete: int
    rag: str


def worst(ratings: list[str]) -> str:
    return next((r for r in RAGS if r in ratings), "Not rated")


def _keys(row: TrackerRow, by: By) -> list[tuple[str, str]]:
    if by == "priority":
        return [(row.action.priority_id, row.priority_name)]
    if by == "theme":
        return [(row.theme, row.theme)]
    if by == "programme":
        return [(row.programme, row.programme)]
    return [(str(n), f"Pledge {n}") for n in row.action.pledges]


def rollup(rows: list[TrackerRow], by: By) -> list[Rollup]:
    """One roll-up per group, in the order groups first appear (pledges in number order)."""
    groups: dict[str, tuple[str, list[TrackerRow]]] = {}
    for row in rows:
        for key, label in _keys(row, by):
            groups.setdefault(key, (label, []))[1].append(row)
    order = sorted(groups, key=int) if by == "pledge" else list(groups)
    out = []
    for key in order:
        label, members = groups[key]
        rated = [r.overall_rag for r in members if r.overall_rag]
        out.append(Rollup(key=key, label=label, actions=len(members), red=rated.count("Red"),
                          amber=rated.count("Amber"), green=rated.count("Green"),
                          not_rated=len(members) - len(rated), overdue=sum(r.overdue for r in members),
                          complete=sum(r.stage == "Complete" for r in members), rag=worst(rated)))
    return out
