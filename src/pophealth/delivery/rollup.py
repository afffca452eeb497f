"""RAG roll-ups per priority, theme, programme and pledge, under one published rule.

The rule (docs/delivery-tracking.md, "Roll-ups"), chosen so that a colour never hides unrated or
overdue work:

1. A group with no actions is "No actions"; a group with no rated action is "Not rated".
2. Red if any rated action is Red: unrated work cannot make it better.
3. Otherwise a colour is published only when every open (not Complete) action is rated; if any is
   not, the group is "Not fully rated" and shows how many are.
4. The colour is the worst of the rated actions, except that a group with overdue work is never
   Green: overdue actions are late by definition, so it is Amber.

Beside the status every roll-up carries the share of actions rated and the overdue, unrated and
complete counts, so "Green" for two rated actions out of forty cannot happen. An action linked to
several pledges counts in each.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, get_args

from pydantic import BaseModel

from pophealth.delivery.records import RAGS
from pophealth.delivery.tracker import TrackerRow

By = Literal["priority", "theme", "programme", "pledge"]
BY_CHOICES: tuple[str, ...] = get_args(By)

NO_ACTIONS = "No actions"
NOT_RATED = "Not rated"
NOT_FULLY_RATED = "Not fully rated"


class Rollup(BaseModel):
    """One group's roll-up: the published status (``rag``) and the counts that qualify it."""

    key: str
    label: str
    actions: int
    rated: int
    rated_share: float | None  # 0..1; None when the group has no actions
    red: int
    amber: int
    green: int
    not_rated: int
    unrated_open: int  # open (not Complete) actions without a rating: these block a colour
    overdue: int
    complete: int
    worst_rated: str | None  # worst rating among the rated actions, for analysts; not published alone
    rag: str  # Red, Amber, Green, Not fully rated, Not rated or No actions (the rule above)

    @property
    def rated_text(self) -> str:
        """"2 of 7 rated (29%)": always shown beside the status."""
        if not self.actions:
            return "no actions"
        return f"{self.rated} of {self.actions} rated ({round(100 * self.rated / self.actions)}%)"


def worst(ratings: list[str]) -> str:
    """Worst of the given ratings (Red before Amber before Green), or "Not rated"."""
    return next((r for r in RAGS if r in ratings), NOT_RATED)


def rollup_status(*, actions: int, rated: list[str], unrated_open: int, overdue: int) -> str:
    """The published status of a group under the rule in the module docstring."""
    if actions == 0:
        return NO_ACTIONS
    if not rated:
        return NOT_RATED
    colour = worst(rated)
    if colour == "Red":
        return "Red"
    if unrated_open:
        return NOT_FULLY_RATED
    if colour == "Green" and overdue:
        return "Amber"
    return colour


def summarise(key: str, label: str, members: list[TrackerRow]) -> Rollup:
    """The roll-up of one group of tracker rows."""
    rated = [r.overall_rag for r in members if r.overall_rag]
    unrated_open = sum(1 for r in members if not r.overall_rag and r.stage != "Complete")
    overdue = sum(r.overdue for r in members)
    return Rollup(key=key, label=label, actions=len(members), rated=len(rated),
                  rated_share=round(len(rated) / len(members), 4) if members else None,
                  red=rated.count("Red"), amber=rated.count("Amber"), green=rated.count("Green"),
                  not_rated=len(members) - len(rated), unrated_open=unrated_open, overdue=overdue,
                  complete=sum(r.stage == "Complete" for r in members),
                  worst_rated=worst(rated) if rated else None,
                  rag=rollup_status(actions=len(members), rated=rated, unrated_open=unrated_open, overdue=overdue))


def _keys(row: TrackerRow, by: By) -> list[tuple[str, str]]:
    if by == "priority":
        return [(row.action.priority_id, row.priority_name)]
    if by == "theme":
        return [(row.theme, row.theme)]
    if by == "programme":
        return [(row.programme, row.programme)]
    return [(str(n), f"Pledge {n}") for n in row.action.pledges]


def rollup(rows: list[TrackerRow], by: By, groups: Iterable[tuple[str, str]] = ()) -> list[Rollup]:
    """One roll-up per group, in the order groups first appear (pledges in number order).

    ``groups`` (key, label) are always reported, even with no actions (e.g. every pledge 1-13), so
    a group without actions is shown as such rather than left out.
    """
    if by not in BY_CHOICES:
        raise ValueError(f"roll-up by {by!r}: expected one of {', '.join(BY_CHOICES)}")
    found: dict[str, tuple[str, list[TrackerRow]]] = {key: (label, []) for key, label in groups}
    for row in rows:
        for key, label in _keys(row, by):
            found.setdefault(key, (label, []))[1].append(row)
    order = sorted(found, key=int) if by == "pledge" else list(found)
    return [summarise(key, *found[key]) for key in order]
