"""Insight records in the warehouse: saved all or nothing, replaced by id, every save on the change log.

``insight_for_priorities`` is the one reader products use (staff pages, the public "You said, we did" pages
and the meeting pack's hook), so they all agree on which insight belongs to a priority.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import duckdb

from pophealth.insight.models import Insight
from pophealth.warehouse import transaction

_COLUMNS = ("insight_id", "source", "source_section", "insight_date", "method", "people", "population", "place",
            "themes", "summary", "quotes", "quotes_consent", "published", "priorities", "actions")


def _row(i: Insight) -> list[object]:
    return [i.id, i.source, i.source_section, i.date, i.method, i.people, i.group, i.place, list(i.themes),
            i.summary, list(i.quotes), i.quotes_consent, i.published, list(i.priorities), list(i.actions)]


def _insight(row: tuple) -> Insight:
    (ident, source, section, date, method, people, group, place, themes, summary, quotes, consent, published,
     priorities, actions) = row
    return Insight(id=ident, source=source, source_section=section, date=date, method=method, people=people,
                   group=group, place=place, themes=tuple(themes), summary=summary, quotes=tuple(quotes),
                   quotes_consent=consent, published=bool(published), priorities=tuple(priorities),
                   actions=tuple(actions))


def save_insights(con: duckdb.DuckDBPyConnection, records: Iterable[Insight], *, by: str, origin: str
                  ) -> dict[str, int]:
    """Insert or replace each record (by id) in one transaction; ``{"created": n, "updated": m}``.

    A record that is already held exactly as given is left alone and not logged, so a re-import is a no-op."""
    records = list(records)
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    now = datetime.now().replace(microsecond=0)
    with transaction(con):
        for record in records:
            held = get_insight(con, record.id)
            if held == record:
                counts["unchanged"] += 1
                continue
            change = "updated" if held is not None else "created"
            con.execute("DELETE FROM insight WHERE insight_id = ?", [record.id])
            con.execute(f"INSERT INTO insight ({', '.join(_COLUMNS)}, origin, updated_by, updated_at) "
                        f"VALUES ({', '.join('?' * (len(_COLUMNS) + 3))})", [*_row(record), origin, by, now])
            con.execute("INSERT INTO insight_change (insight_id, change, origin, changed_by, changed_at) "
                        "VALUES (?, ?, ?, ?, ?)", [record.id, change, origin, by, now])
            counts[change] += 1
    return counts


def get_insight(con: duckdb.DuckDBPyConnection, insight_id: str) -> Insight | None:
    row = con.execute(f"SELECT {', '.join(_COLUMNS)} FROM insight WHERE insight_id = ?", [insight_id]).fetchone()
    return _insight(row) if row else None


def list_insights(con: duckdb.DuckDBPyConnection) -> list[Insight]:
    """Every record, newest date first (undated last), then by id."""
    rows = con.execute(f"SELECT {', '.join(_COLUMNS)} FROM insight "
                       "ORDER BY insight_date DESC NULLS LAST, insight_id").fetchall()
    return [_insight(r) for r in rows]


def insight_for_priorities(con: duckdb.DuckDBPyConnection, priority_ids: Iterable[str]) -> list[Insight]:
    """The records linked to any of ``priority_ids`` (references ``kind:id``), newest first.

    Staff products get every record; public products must pass the result through
    ``pophealth.insight.public.publishable`` first."""
    wanted = sorted(set(priority_ids))
    if not wanted:
        return []
    rows = con.execute(f"SELECT {', '.join(_COLUMNS)} FROM insight WHERE list_has_any(priorities, ?::VARCHAR[]) "
                       "ORDER BY insight_date DESC NULLS LAST, insight_id", [wanted]).fetchall()
    return [_insight(r) for r in rows]


def insight_changes(con: duckdb.DuckDBPyConnection, insight_id: str) -> list[dict[str, object]]:
    rows = con.execute("SELECT change, origin, changed_by, changed_at FROM insight_change WHERE insight_id = ? "
                       "ORDER BY change_id", [insight_id]).fetchall()
    return [dict(zip(("change", "origin", "changed_by", "changed_at"), r)) for r in rows]
