"""Each pledge's measures and their latest status, as the public sees them.

The status comes from the measures engine (SPC icons and the RAG that follows them) at the latest
reporting period any measure reaches. A pledge with no measure in the catalogue is "not yet
measurable": it gets no RAG at all. Measures counted in people (unit ``count``) are published in
a ``latest_count`` column, so their values pass the disclosure policy like any other count.
"""

from __future__ import annotations

import duckdb
import pandas as pd
from pydantic import BaseModel

from pophealth.errors import ConfigError
from pophealth.measures.formatting import format_value
from pophealth.measures.series import read_series
from pophealth.measures.status import assess
from pophealth.measures.tracking import MeasureEntry, NoDataYet, track
from pophealth.microsite.tables import PublishedTable, publish
from pophealth.strategy import Strategy

NOT_YET_MEASURABLE = "Not yet measurable"


class PledgeStatus(BaseModel):
    number: int
    measurable: bool
    summary: str  # "Not yet measurable", or e.g. "3 measures: 1 green, 2 amber"
    period: str | None
    synthetic: bool
    measures: PublishedTable | None


def measure_entries(con: duckdb.DuckDBPyConnection,
                    strategy: Strategy) -> tuple[str | None, dict[str, MeasureEntry]]:
    """Every measure's status as the public may see it (demonstration figures withheld)."""
    return _entries(con, strategy)


def _entries(con: duckdb.DuckDBPyConnection, strategy: Strategy) -> tuple[str | None, dict[str, MeasureEntry]]:
    try:
        tracking = track(con, strategy)
        return tracking.period, tracking.measures
    except NoDataYet:  # nothing loaded yet: every measure reads "no data"
        entries = {}
        for m in strategy.measures:
            series = read_series(con, m)
            entries[m.id] = MeasureEntry(measure=m, series=series, status=assess(m, series))
        return None, entries


def _summary(entries: list[MeasureEntry]) -> str:
    rags = [e.status.rag_text.lower() for e in entries]
    parts = [f"{rags.count(r)} {r}" for r in dict.fromkeys(rags)]
    noun = "measure" if len(entries) == 1 else "measures"
    return f"{len(entries)} {noun}: " + ", ".join(parts)


def _rows(e: MeasureEntry) -> list[dict]:
    """The measure's rated figure, then the latest figure of each place or group shown beside it."""
    m, unit = e.measure, e.measure.unit

    def row(label: str, period: str | None, value: float | None, status: str, variation: str) -> dict:
        return {
            "measure": m.name if not label else f"{m.name}: {label}",
            "period": period or "",
            "latest": "" if unit == "count" or value is None else format_value(value, unit),
            "latest_count": value if unit == "count" else None,
            "target": m.target.text if m.target else "No target set",
            "status": status, "variation": variation,
            "data": m.data_source if value is not None else (e.series.note or "No data yet"),
        }

    head_label = e.series.label if e.series.compare else ""
    rows = [row(head_label, e.status.latest_label, e.status.latest_value, e.status.rag_text,
                e.status.variation_text or "")]
    for c in e.series.compare:
        latest = c.latest
        rows.append(row(c.label, latest.label if latest else None, latest.value if latest else None,
                        "Shown for comparison", ""))
    return rows


def _table(number: int, entries: list[MeasureEntry]) -> PublishedTable:
    return measures_table(entries, f"Measures of pledge {number} and their latest status")


def measures_table(entries: list[MeasureEntry], caption: str) -> PublishedTable:
    """Each measure's rated figure and the places beside it, as a public table (and its CSV)."""
    frame = pd.DataFrame([r for e in entries for r in _rows(e)])
    frame["latest_count"] = frame["latest_count"].astype("float64")
    return publish(frame, slug="measures", caption=caption,
                   labels={"measure": "Measure", "period": "Latest period", "latest": "Latest value",
                           "latest_count": "Latest count", "target": "Target", "status": "Status",
                           "variation": "Variation", "data": "Data"})


def pledge_statuses(con: duckdb.DuckDBPyConnection, strategy: Strategy,
                    known: tuple[str | None, dict[str, MeasureEntry]] | None = None) -> dict[int, PledgeStatus]:
    period, entries = known or _entries(con, strategy)
    made_up = sorted(k for k, e in entries.items() if e.series.synthetic)
    if made_up:  # the public never sees a made-up figure, however it reached the warehouse
        raise ConfigError(f"Refusing to publish: the warehouse holds synthetic rows for {', '.join(made_up)}",
                          hint="delete the rows flagged is_synthetic in metric_observation, then publish again")
    out = {}
    for p in strategy.pledges:
        mine = [entries[m.id] for m in strategy.measures if p.number in m.pledges and m.id in entries]
        if not mine:
            out[p.number] = PledgeStatus(number=p.number, measurable=False, summary=NOT_YET_MEASURABLE,
                                         period=None, synthetic=False, measures=None)
            continue
        out[p.number] = PledgeStatus(number=p.number, measurable=True, summary=_summary(mine), period=period,
                                     synthetic=any(e.series.synthetic for e in mine), measures=_table(p.number, mine))
    return out
