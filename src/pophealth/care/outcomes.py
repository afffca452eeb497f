"""Closing the loop: what the care team did about a person on a worklist, by whom and when.

Outcomes are appended, never edited: a later outcome supersedes an earlier one on the list, and all of
them stay for the record. The PHM page counts the people with an outcome since the latest PHM run
("reviewed"), the measure of pledge 3 (identify the frailest and wrap care around them).
"""

from __future__ import annotations

import datetime as dt

import duckdb
from pydantic import BaseModel

from pophealth.errors import InputError, Problem

OUTCOMES = {"reviewed": "Reviewed", "contacted": "Contacted", "booked": "Booked", "declined": "Declined",
            "not_appropriate": "Not appropriate"}


class Outcome(BaseModel):
    outcome: str
    label: str
    username: str
    recorded_at: dt.datetime


def record_outcome(con: duckdb.DuckDBPyConnection, *, person_id: int, worklist: str, outcome: str, username: str,
                   phm_run_id: str | None) -> Outcome:
    if outcome not in OUTCOMES:
        raise InputError(Problem("outcome form", f"expected one of {', '.join(OUTCOMES)}, got {outcome!r}",
                                 column="outcome"))
    at = dt.datetime.now().replace(microsecond=0)
    con.execute("INSERT INTO care_outcome (person_id, worklist, outcome, username, recorded_at, phm_run_id) "
                "VALUES (?, ?, ?, ?, ?, ?)", [person_id, worklist, outcome, username, at, phm_run_id])
    return Outcome(outcome=outcome, label=OUTCOMES[outcome], username=username, recorded_at=at)


def latest_outcomes(con: duckdb.DuckDBPyConnection, person_ids: list[int]) -> dict[int, Outcome]:
    """Each person's most recent outcome (any worklist)."""
    if not person_ids:
        return {}
    rows = con.execute("""
        SELECT person_id, outcome, username, recorded_at FROM care_outcome
        WHERE person_id IN (SELECT unnest($ids::BIGINT[]))
        QUALIFY row_number() OVER (PARTITION BY person_id ORDER BY recorded_at DESC, outcome_id DESC) = 1""",
        {"ids": person_ids}).fetchall()
    return {int(p): Outcome(outcome=o, label=OUTCOMES.get(o, o), username=u, recorded_at=t) for p, o, u, t in rows}


def reviewed_since_run(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, int]:
    """People with an outcome recorded against the run's worklists, in all and by outcome."""
    rows = con.execute("""
        WITH latest AS (SELECT person_id, outcome FROM care_outcome WHERE phm_run_id = ?
                        QUALIFY row_number() OVER (PARTITION BY person_id ORDER BY recorded_at DESC, outcome_id DESC) = 1)
        SELECT outcome, count(*) FROM latest GROUP BY 1""", [run_id]).fetchall()
    counts = {o: 0 for o in OUTCOMES} | {o: int(n) for o, n in rows}
    return {"people": sum(counts.values()), **counts}


class CareLoop(BaseModel):
    """Whether worklists lead to care: people with an outcome recorded against the latest run's lists, and
    care gaps open at the previous run that the latest run finds closed (all LLR, no breakdown)."""
    run_id: str
    reviewed: int                 # people with any outcome recorded against the latest run's worklists
    by_outcome: dict[str, int]    # label -> people, by their latest outcome
    previous_run: str | None
    gaps_open_before: int | None  # (person, gap) pairs open at the previous run, people in both runs
    gaps_closed: int | None       # of those, met at the latest run
    gaps_closed_reviewed: int | None  # of those closed, people with an outcome against the previous run


def care_loop(con: duckdb.DuckDBPyConnection, run_id: str) -> CareLoop:
    counts = reviewed_since_run(con, run_id)
    runs = [r[0] for r in con.execute("SELECT run_id FROM phm_run ORDER BY finished_at DESC, run_id DESC").fetchall()]
    previous = runs[runs.index(run_id) + 1] if run_id in runs and runs.index(run_id) + 1 < len(runs) else None
    before = closed = closed_reviewed = None
    if previous:
        before, closed, closed_reviewed = con.execute("""
            SELECT count(*), count(*) FILTER (WHERE NOT n.gap),
                   count(*) FILTER (WHERE NOT n.gap AND o.person_id IS NOT NULL)
            FROM phm_care_gap p JOIN phm_care_gap n
              ON n.person_id = p.person_id AND n.care_gap = p.care_gap AND n.run_id = $now
            LEFT JOIN (SELECT DISTINCT person_id FROM care_outcome WHERE phm_run_id = $before) o
              ON o.person_id = p.person_id
            WHERE p.run_id = $before AND p.gap""", {"now": run_id, "before": previous}).fetchone()
    return CareLoop(run_id=run_id, reviewed=counts["people"],
                    by_outcome={OUTCOMES[k]: v for k, v in counts.items() if k in OUTCOMES}, previous_run=previous,
                    gaps_open_before=before, gaps_closed=closed, gaps_closed_reviewed=closed_reviewed)
