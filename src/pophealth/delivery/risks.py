"""The risk and issue log: scored records whose highest open score sets an action's risk/issue RAG.

Why: the tracker's "Risk/Issue RAG" used to be typed on each update, with nothing behind it. Here each
risk or issue is a record (owner, likelihood x impact, mitigation, review date, open or closed) linked
to an action or a priority, versioned and logged like every other tracker edit.

Scoring follows the 5x5 NHS risk matrix of the National Patient Safety Agency, "A risk matrix for risk
managers" (NPSA, January 2008): score = likelihood (1-5) x consequence (1-5), graded

    1-3 low (green), 4-6 moderate (yellow), 8-12 high (amber), 15-25 extreme (red).

The tracker has three colours, so the mapping to RAG is stated here and in docs/delivery-tracking.md:
low -> Green; moderate and high -> Amber; extreme -> Red. A score of 20 is therefore Red, 12 Amber.

An action's risk RAG is the RAG of its highest-scoring OPEN risk or issue; an action with none open
keeps the RAG its latest update gives, and the tracker says which of the two it shows.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

import duckdb
from pydantic import BaseModel, ConfigDict, Field, model_validator

from pophealth.delivery.actions import get_action
from pophealth.delivery.audit import record_change
from pophealth.delivery.db import fetch_dicts, write
from pophealth.errors import ConflictError, InputError, NotFoundError, Problem

KINDS = ("risk", "issue")
STATUSES = ("open", "closed")
MATRIX_SOURCE = "NPSA (2008) A risk matrix for risk managers: 5x5 likelihood x consequence"
# (lowest score, highest score, NPSA grade, tracker RAG): the mapping to RAG is this table.
BANDS: tuple[tuple[int, int, str, str], ...] = (
    (1, 3, "Low", "Green"),
    (4, 6, "Moderate", "Amber"),
    (8, 12, "High", "Amber"),
    (15, 25, "Extreme", "Red"),
)
MATRIX_SCORES = frozenset(likelihood * impact for likelihood in range(1, 6) for impact in range(1, 6))
EDITABLE = ("kind", "title", "owner", "likelihood", "impact", "mitigation", "review_date", "status")


def band(score: int) -> tuple[str, str]:
    """(NPSA grade, tracker RAG) of a matrix score; only products of 1..5 x 1..5 exist."""
    if score not in MATRIX_SCORES:
        raise ValueError(f"{score} is not a score on the 5x5 matrix (likelihood x impact, each 1 to 5)")
    for low, high, grade, rag in BANDS:
        if low <= score <= high:
            return grade, rag
    raise ValueError(f"{score} is not a score on the 5x5 matrix (likelihood x impact, each 1 to 5)")


class Risk(BaseModel):
    """One risk or issue. ``version`` guards edits against lost updates."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    risk_id: int
    kind: Literal["risk", "issue"]
    title: str = Field(min_length=1, max_length=500)
    action_ref: str | None = None
    priority_id: str | None = None
    owner: str = Field(min_length=1, max_length=200)
    likelihood: int = Field(ge=1, le=5)
    impact: int = Field(ge=1, le=5)
    mitigation: str | None = Field(default=None, max_length=4000)
    review_date: date | None = None
    status: Literal["open", "closed"] = "open"
    version: int = 1
    recorded_by: str
    recorded_at: datetime

    @model_validator(mode="after")
    def _linked(self) -> Risk:
        if not self.action_ref and not self.priority_id:
            raise ValueError("a risk or issue must name an action or a priority")
        return self

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def grade(self) -> str:
        return band(self.score)[0]

    @property
    def rag(self) -> str:
        return band(self.score)[1]


class ScoredRisk(BaseModel):
    """A risk with its score, NPSA grade and the RAG the grade maps to (for pages and their JSON twins)."""

    risk: Risk
    score: int
    grade: str
    rag: str

    @classmethod
    def of(cls, r: Risk) -> ScoredRisk:
        return cls(risk=r, score=r.score, grade=r.grade, rag=r.rag)


class RiskRag(BaseModel):
    """What sets an action's risk RAG from its log: the highest open risk or issue."""

    rag: str
    score: int
    risk_id: int
    open_count: int


COLUMNS = tuple(Risk.model_fields)


def list_risks(con: duckdb.DuckDBPyConnection, *, action_ref: str | None = None, priority_id: str | None = None,
               status: str | None = None) -> list[Risk]:
    """Risks, highest score first, then oldest first."""
    rows = fetch_dicts(con, f"""SELECT {', '.join(COLUMNS)} FROM delivery_risk
                               WHERE (? IS NULL OR action_ref = ?) AND (? IS NULL OR priority_id = ?)
                                 AND (? IS NULL OR status = ?)
                               ORDER BY status DESC, likelihood * impact DESC, risk_id""",
                       [action_ref, action_ref, priority_id, priority_id, status, status])
    return [Risk(**r) for r in rows]


def get_risk(con: duckdb.DuckDBPyConnection, risk_id: int) -> Risk:
    rows = fetch_dicts(con, f"SELECT {', '.join(COLUMNS)} FROM delivery_risk WHERE risk_id = ?", [risk_id])
    if not rows:
        raise NotFoundError(f"There is no risk or issue number {risk_id}",
                            hint="`pophealth risks list` shows the log")
    return Risk(**rows[0])


def _problem(message: str, column: str) -> InputError:
    return InputError(Problem("risk", message, column=column))


def _check(values: dict[str, Any]) -> None:
    """Plain-words checks before pydantic, so the form and the CLI name the field."""
    for name in ("likelihood", "impact"):
        v = values.get(name)
        if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 5:
            raise _problem(f"{name} must be a whole number from 1 to 5, got {v!r}", name)
    if values.get("kind") not in KINDS:
        raise _problem(f"type must be risk or issue, got {values.get('kind')!r}", "kind")
    if values.get("status", "open") not in STATUSES:
        raise _problem(f"status must be open or closed, got {values.get('status')!r}", "status")
    for name in ("title", "owner"):
        if not str(values.get(name) or "").strip():
            raise _problem(f"{name} is required", name)


def add_risk(con: duckdb.DuckDBPyConnection, *, kind: str, title: str, owner: str, likelihood: int, impact: int,
             who: str, action_ref: str | None = None, priority_id: str | None = None,
             mitigation: str | None = None, review_date: date | None = None,
             at: datetime | None = None) -> Risk:
    """Add an open risk or issue to an action (its priority is taken from it) or to a priority."""
    values = {"kind": kind, "title": title, "owner": owner, "likelihood": likelihood, "impact": impact}
    _check(values)
    with write(con, "The risk log"):
        if action_ref:
            priority_id = get_action(con, action_ref).priority_id
        elif priority_id:
            if not con.execute("SELECT 1 FROM delivery_priority WHERE priority_id = ?", [priority_id]).fetchone():
                raise NotFoundError(f"There is no priority {priority_id!r} in the delivery tracker")
        else:
            raise _problem("name the action (or the priority) the risk or issue belongs to", "action_ref")
        risk_id = con.execute("SELECT nextval('delivery_risk_seq')").fetchone()[0]
        risk = Risk(risk_id=risk_id, kind=kind, title=title.strip(), action_ref=action_ref or None,
                    priority_id=priority_id, owner=owner.strip(), likelihood=likelihood, impact=impact,
                    mitigation=(mitigation or "").strip() or None, review_date=review_date, status="open",
                    version=1, recorded_by=who, recorded_at=at or datetime.now().replace(microsecond=0))
        con.execute(f"INSERT INTO delivery_risk ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
                    [getattr(risk, c) for c in COLUMNS])
        record_change(con, "risk", str(risk_id), who, None, _logged(risk), at=risk.recorded_at)
    return risk


def _logged(r: Risk) -> dict[str, Any]:
    return {**r.model_dump(), "score": r.score, "grade": r.grade, "rag": r.rag}


def edit_risk(con: duckdb.DuckDBPyConnection, risk_id: int, expected_version: int, changes: dict[str, Any],
              who: str, at: datetime | None = None) -> Risk:
    """Change a risk, guarded by its version (someone else's edit since you read it is a conflict)."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    with write(con, f"Risk {risk_id}"):
        before = get_risk(con, risk_id)
        if before.version != expected_version:
            raise ConflictError(f"Risk {risk_id} is at version {before.version}, not {expected_version}: "
                                "someone else changed it first", hint="reload it, check their change, and try again")
        merged = {**before.model_dump(), **changes}
        _check(merged)
        after = Risk(**{**merged, "version": before.version + 1,
                        "recorded_by": who, "recorded_at": at or datetime.now().replace(microsecond=0)})
        fields = [c for c in COLUMNS if c != "risk_id"]
        con.execute(f"UPDATE delivery_risk SET {', '.join(f'{c} = ?' for c in fields)} WHERE risk_id = ?",
                    [getattr(after, c) for c in fields] + [risk_id])
        record_change(con, "risk", str(risk_id), who, _logged(before), _logged(after), at=after.recorded_at)
    return after


def close_risk(con: duckdb.DuckDBPyConnection, risk_id: int, expected_version: int, who: str,
               at: datetime | None = None) -> Risk:
    """Close a risk or issue: it stays in the log but no longer sets the action's risk RAG."""
    return edit_risk(con, risk_id, expected_version, {"status": "closed"}, who, at)


def risk_history(con: duckdb.DuckDBPyConnection, risk_id: int) -> list[dict[str, Any]]:
    """Every version of a risk, oldest first, from the change log."""
    from pophealth.delivery.audit import changes

    return changes(con, "risk", str(risk_id))


def action_risk_rags(con: duckdb.DuckDBPyConnection) -> dict[str, RiskRag]:
    """For each action with an open risk or issue, the RAG its highest open score gives."""
    out: dict[str, RiskRag] = {}
    counts: dict[str, int] = {}
    for r in list_risks(con, status="open"):
        if not r.action_ref:
            continue
        counts[r.action_ref] = counts.get(r.action_ref, 0) + 1
        if r.action_ref not in out:  # list_risks gives the highest score first
            out[r.action_ref] = RiskRag(rag=r.rag, score=r.score, risk_id=r.risk_id, open_count=0)
    return {ref: v.model_copy(update={"open_count": counts[ref]}) for ref, v in out.items()}
