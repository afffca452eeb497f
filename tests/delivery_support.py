"""A tracker with example updates, for tests of the tracker, its exports and its public roll-ups.

The product ships no example updates (the demo tracker holds the strategy's actions, unrated); tests
that need ratings and history record these, each narrative saying plainly it is an example.
"""

from __future__ import annotations

from datetime import date, datetime

import duckdb

from pophealth.delivery.actions import get_action, load_strategy_actions
from pophealth.delivery.periods import close_period, list_periods, open_period
from pophealth.delivery.updates import record_update

EDITOR = "Example lead (test data)"
EXAMPLE = "EXAMPLE UPDATE for a test, not a real report: "
# (ref, period index, stage, overall, risk, trajectory)
EXAMPLES = [
    ("L2.1", 0, "Delivery", "Amber", "Amber", "Amber"), ("L2.1", 1, "Delivery", "Green", "Amber", "Green"),
    ("L2.3", 0, "Feasibility", "Green", "Green", "Green"), ("L2.3", 1, "Delivery", "Red", "Red", "Amber"),
    ("JFP-3.1", 1, "Evaluation", "Green", "Green", "Green"), ("JFP-4.1", 1, "Delivery", "Amber", "Red", "Amber"),
]
PERIODS = [("2024-25 Q1", date(2024, 4, 1), date(2024, 6, 30)), ("2024-25 Q2", date(2024, 7, 1), date(2024, 9, 30))]


def build_demo_tracker(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """The strategy's actions, two quarterly periods and six example updates (idempotent)."""
    counts = load_strategy_actions(con)
    if list_periods(con):
        return counts
    for index, (pid, starts, ends) in enumerate(PERIODS):
        open_period(con, pid, starts, ends, EDITOR)
        for ref, when, stage, overall, risk, trajectory in EXAMPLES:
            if when == index:
                record_update(con, ref, get_action(con, ref).version, stage=stage, overall_rag=overall,
                              risk_rag=risk, trajectory_rag=trajectory, editor=EDITOR,
                              narrative=EXAMPLE + f"{stage.lower()} stage, overall {overall}.",
                              at=datetime(ends.year, ends.month, ends.day, 12))
        if index < len(PERIODS) - 1:
            close_period(con, pid, EDITOR, at=datetime(ends.year, ends.month, ends.day, 17))
    counts["example updates"] = len(EXAMPLES)
    return counts
