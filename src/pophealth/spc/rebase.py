"""Rebases with an audit trail: proposed by a person or a rule, effective only once approved.

Limits are recalculated at a rebase only when the process has really changed, and someone can
say why (Making Data Count). So a rule may *propose* (``suggest_rebases``), but only
``approve_rebase`` by a named person with a reason makes a date count in ``effective_rebases``.
An approval can later be withdrawn, again by a named person with a reason; nothing is deleted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

import duckdb
import numpy as np

from pophealth.errors import ConfigError, ConflictError, NotFoundError
from pophealth.spc.result import XmrResult
from pophealth.warehouse import transaction


@dataclass(frozen=True)
class RebaseRecord:
    """One proposal and the decision on it, if any."""

    proposal_id: int
    measure_id: str
    point_date: dt.date
    rule: str
    proposed_by: str | None
    note: str | None
    proposed_at: dt.datetime
    decision: str | None
    decided_by: str | None
    decided_at: dt.datetime | None
    reason: str | None
    withdrawn_by: str | None = None
    withdrawn_at: dt.datetime | None = None
    withdrawal_reason: str | None = None

    @property
    def state(self) -> str:
        """pending, approved, rejected or withdrawn (an approval taken back)."""
        return "withdrawn" if self.withdrawn_at else (self.decision or "pending")

    @property
    def in_effect(self) -> bool:
        return self.state == "approved"

    @property
    def approved_by(self) -> str | None:
        return self.decided_by if self.decision == "approved" else None

    def as_dict(self) -> dict[str, object]:
        fields = {k: (v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v) for k, v in asdict(self).items()}
        return {**fields, "state": self.state}


def propose_rebase(
    con: duckdb.DuckDBPyConnection,
    measure_id: str,
    point_date: dt.date,
    *,
    rule: str = "manual",
    proposed_by: str | None = None,
    note: str | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Record a proposal and return its id; proposing the same thing again returns the same id."""
    if not measure_id.strip() or not rule.strip():
        raise ConfigError("A rebase proposal needs a measure id and a rule (use 'manual' for a person)")
    if rule == "manual" and not (proposed_by or "").strip():
        raise ConfigError("A manual rebase proposal needs the name of who proposes it")
    with transaction(con):
        found = con.execute(
            "SELECT proposal_id FROM spc_rebase_proposal WHERE measure_id = ? AND point_date = ? AND rule = ?",
            [measure_id, point_date, rule],
        ).fetchone()
        if found:
            return int(found[0])
        return int(con.execute(
            """INSERT INTO spc_rebase_proposal (measure_id, point_date, rule, proposed_by, note, proposed_at)
               VALUES (?, ?, ?, ?, ?, ?) RETURNING proposal_id""",
            [measure_id, point_date, rule, proposed_by, note, now or dt.datetime.now()],
        ).fetchone()[0])


def _decide(con: duckdb.DuckDBPyConnection, proposal_id: int, decision: str, by: str, reason: str,
            now: dt.datetime | None) -> None:
    if not by.strip() or not reason.strip():
        raise ConfigError(f"To record a rebase as {decision}, give who decides and why")
    with transaction(con):
        if not con.execute("SELECT 1 FROM spc_rebase_proposal WHERE proposal_id = ?", [proposal_id]).fetchone():
            raise NotFoundError(f"No rebase proposal {proposal_id}")
        done = con.execute("SELECT decision FROM spc_rebase_decision WHERE proposal_id = ?", [proposal_id]).fetchone()
        if done:
            raise ConflictError(f"Rebase proposal {proposal_id} was already {done[0]}")
        con.execute("INSERT INTO spc_rebase_decision VALUES (?, ?, ?, ?, ?)",
                    [proposal_id, decision, by, now or dt.datetime.now(), reason])


def approve_rebase(con: duckdb.DuckDBPyConnection, proposal_id: int, *, approved_by: str, reason: str,
                   now: dt.datetime | None = None) -> None:
    """A named person approves a proposal, saying why the process changed there."""
    _decide(con, proposal_id, "approved", approved_by, reason, now)


def reject_rebase(con: duckdb.DuckDBPyConnection, proposal_id: int, *, rejected_by: str, reason: str,
                  now: dt.datetime | None = None) -> None:
    """A named person turns a proposal down; it stays on record and never takes effect."""
    _decide(con, proposal_id, "rejected", rejected_by, reason, now)


def withdraw_rebase(con: duckdb.DuckDBPyConnection, proposal_id: int, *, withdrawn_by: str, reason: str,
                    now: dt.datetime | None = None) -> None:
    """A named person takes back an approval, saying why; the chart's limits no longer break there."""
    if not withdrawn_by.strip() or not reason.strip():
        raise ConfigError("To withdraw a rebase, give who withdraws it and why")
    with transaction(con):
        found = _records(con, "p.proposal_id = ?", [proposal_id])
        if not found:
            raise NotFoundError(f"No rebase proposal {proposal_id}")
        record = found[0]
        if record.state != "approved":
            raise ConflictError(f"Rebase proposal {proposal_id} is {record.state}: only an approved rebase can be withdrawn")
        con.execute("INSERT INTO spc_rebase_withdrawal VALUES (?, ?, ?, ?)",
                    [proposal_id, withdrawn_by, now or dt.datetime.now(), reason])


DECISIONS = ("approve", "reject", "withdraw")


def decide(con: duckdb.DuckDBPyConnection, proposal_id: int, decision: str, *, by: str, reason: str,
           now: dt.datetime | None = None) -> None:
    """One of ``DECISIONS`` by name, as the web form and the command line ask for it."""
    if decision == "approve":
        approve_rebase(con, proposal_id, approved_by=by, reason=reason, now=now)
    elif decision == "reject":
        reject_rebase(con, proposal_id, rejected_by=by, reason=reason, now=now)
    elif decision == "withdraw":
        withdraw_rebase(con, proposal_id, withdrawn_by=by, reason=reason, now=now)
    else:
        raise ConfigError("Choose whether to approve, reject or withdraw the rebase")


def _records(con: duckdb.DuckDBPyConnection, where: str, params: list) -> list[RebaseRecord]:
    rows = con.execute(
        f"""SELECT p.proposal_id, p.measure_id, p.point_date, p.rule, p.proposed_by, p.note, p.proposed_at,
                   d.decision, d.decided_by, d.decided_at, d.reason, w.withdrawn_by, w.withdrawn_at, w.reason
            FROM spc_rebase_proposal p LEFT JOIN spc_rebase_decision d USING (proposal_id)
                 LEFT JOIN spc_rebase_withdrawal w USING (proposal_id)
            WHERE {where}
            ORDER BY p.measure_id, p.point_date, p.proposal_id""",
        params,
    ).fetchall()
    return [RebaseRecord(*row) for row in rows]


def list_rebases(con: duckdb.DuckDBPyConnection, measure_id: str | None = None) -> list[RebaseRecord]:
    """Every proposal (optionally for one measure) with its decision and any withdrawal, in date order."""
    return _records(con, "? IS NULL OR p.measure_id = ?", [measure_id, measure_id])


def rebases_in_effect(con: duckdb.DuckDBPyConnection) -> dict[str, list[RebaseRecord]]:
    """The approved, not withdrawn, rebases of every measure, in date order."""
    found: dict[str, list[RebaseRecord]] = {}
    for record in list_rebases(con):
        if record.in_effect:
            found.setdefault(record.measure_id, []).append(record)
    return found


def effective_rebases(con: duckdb.DuckDBPyConnection, measure_id: str) -> tuple[dt.date, ...]:
    """The rebase dates in effect for a measure: pass them as ``rebase_points`` to ``xmr``."""
    return tuple(sorted({r.point_date for r in rebases_in_effect(con).get(measure_id, [])}))


def suggest_rebases(result: XmrResult, *, min_baseline: int = 12) -> list[dt.date]:
    """Dates a rule proposes: the start of a shift still running at the latest point.

    The run must be at least ``shift_points`` long (a sustained change, not a blip) and start
    after at least ``min_baseline`` points of its segment, so the old limits were well founded.
    """
    pts = result.points
    if pts.empty:
        return []
    rel = pts["relative_to_mean"].to_numpy(dtype=float, na_value=np.nan)
    segment = pts["rebase_group"].to_numpy()
    last_side = rel[-1]
    if not last_side or np.isnan(last_side):
        return []
    same = (rel == last_side) & (segment == segment[-1])
    breaks = np.flatnonzero(~same)
    start = int(breaks[-1]) + 1 if breaks.size else 0
    run = len(pts) - start
    before = int(np.sum(segment[:start] == segment[-1]))
    if run >= result.options.shift_points and before >= min_baseline:
        return [pts["date"].iloc[start].date()]
    return []


def propose_from_rule(con: duckdb.DuckDBPyConnection, measure_id: str, result: XmrResult,
                      *, min_baseline: int = 12) -> list[int]:
    """Record the rule's suggestions as proposals (idempotent); nothing takes effect yet."""
    rule = f"shift_{result.options.shift_points}"
    return [propose_rebase(con, measure_id, d, rule=rule) for d in suggest_rebases(result, min_baseline=min_baseline)]
