"""Versioned narrative per measure and reporting period: "What is the key issue?" and "Mitigations".

Rows are only ever inserted: an edit adds version n+1, so every wording a board saw can be shown
again. An edit names the version it was based on; if someone else saved in between, the edit is
refused (``ConflictError``) rather than silently overwriting their words.
"""

from __future__ import annotations

import datetime as dt

import duckdb
from pydantic import BaseModel

from pophealth.errors import ConflictError, InputError, Problem
from pophealth.strategy.models import Strategy
from pophealth.warehouse import transaction

SEED_AUTHOR = "Five year forward plan: Pledges 1 and 2 (seed 000)"
SEED_PERIOD = "2023/24"


class NarrativeVersion(BaseModel):
    measure_id: str
    period: str
    version: int
    key_issue: str
    mitigations: list[str]
    author: str
    created_at: dt.datetime


def _rows(con: duckdb.DuckDBPyConnection, where: str, params: list) -> list[NarrativeVersion]:
    rows = con.execute(
        "SELECT measure_id, period, version, key_issue, mitigations, author, created_at "
        f"FROM measure_narrative WHERE {where} ORDER BY period DESC, version DESC", params).fetchall()
    keys = NarrativeVersion.model_fields
    return [NarrativeVersion(**dict(zip(keys, r))) for r in rows]


def history(con: duckdb.DuckDBPyConnection, measure_id: str) -> list[NarrativeVersion]:
    """Every version for a measure, newest period and version first."""
    return _rows(con, "measure_id = ?", [measure_id])


def current(con: duckdb.DuckDBPyConnection, measure_id: str, period: str | None = None) -> NarrativeVersion | None:
    """The latest version for the period (or, with none given or none written, the latest overall)."""
    versions = history(con, measure_id)
    if period:
        # reporting periods sort as text ("2023-10", "2023/24"), so the latest at or before wins
        earlier = [v for v in versions if v.period <= period]
        versions = earlier or versions
    return versions[0] if versions else None


def add_version(con: duckdb.DuckDBPyConnection, measure_id: str, period: str, key_issue: str,
                mitigations: list[str], author: str, *, based_on: int | None = None) -> NarrativeVersion:
    """Save a new version; ``based_on`` is the version the author edited (None for the first)."""
    problems = []
    if not key_issue.strip():
        problems.append(Problem("narrative", "the key issue must not be empty", column="key_issue"))
    if not author.strip():
        problems.append(Problem("narrative", "the author must be named", column="author"))
    if not period.strip():
        problems.append(Problem("narrative", "the reporting period must be given", column="period"))
    if problems:
        raise InputError(problems)
    now = dt.datetime.now().replace(microsecond=0)
    items = [m.strip() for m in mitigations if m.strip()]
    # read the latest version and insert the next in one transaction: two editors saving at once used to
    # read the same version and the second insert failed with a 500; now one saves, the other is told
    try:
        with transaction(con):
            latest = con.execute("SELECT max(version) FROM measure_narrative WHERE measure_id = ? AND period = ?",
                                 [measure_id, period]).fetchone()[0]
            if latest is not None and based_on != latest:
                raise ConflictError(f"The narrative for {measure_id} in {period} is now at version {latest}; "
                                    f"this edit was based on version {based_on}", hint="reload the page and edit again")
            version = (latest or 0) + 1
            con.execute("INSERT INTO measure_narrative VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [measure_id, period, version, key_issue.strip(), items, author.strip(), now])
    except (duckdb.ConstraintException, duckdb.TransactionException):
        raise ConflictError(f"Someone else saved the narrative for {measure_id} in {period} at the same moment; "
                            "this edit was not saved", hint="reload the page and edit again") from None
    return NarrativeVersion(measure_id=measure_id, period=period, version=version, key_issue=key_issue.strip(),
                            mitigations=items, author=author.strip(), created_at=now)


def seed_narratives(con: duckdb.DuckDBPyConnection, strategy: Strategy) -> int:
    """Load the key issues and mitigations the plan prints (pledge measure slots) as first versions.

    A slot is matched to a catalogue measure by ``measure_id`` or by name; measures that already
    have a narrative are left alone, so seeding twice adds nothing.
    """
    by_name = {m.name: m for m in strategy.measures}
    ids = {m.id for m in strategy.measures}
    added = 0
    for pledge in strategy.pledges:
        for slot in pledge.measures:
            measure_id = slot.measure_id if slot.measure_id in ids else getattr(by_name.get(slot.name), "id", None)
            if not slot.key_issue or measure_id is None or history(con, measure_id):
                continue
            add_version(con, measure_id, SEED_PERIOD, slot.key_issue, list(slot.mitigations), SEED_AUTHOR)
            added += 1
    return added
