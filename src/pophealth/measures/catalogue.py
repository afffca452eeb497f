"""The measure catalogue as data: each measure's source, latest figure and observations, for the
command line and the API (``pophealth measures list|show --json``).

Values are in the measure's unit as displayed (a percentage as 61.4, not 0.614), numbers not text,
so a reader can load them straight into a spreadsheet, pandas or Power BI.
"""

from __future__ import annotations

from typing import Any

import duckdb

from pophealth.measures.series import MeasureSeries, how_to_load, read_series
from pophealth.measures.tracking import MeasureEntry
from pophealth.strategy.feeds import FEEDS
from pophealth.strategy.measures import Measure


def _target(m: Measure) -> dict[str, Any] | None:
    if m.target is None:
        return None
    return {"value": m.target.value, "text": m.target.text, "source": m.target.source}


def measure_summary(con: duckdb.DuckDBPyConnection, m: Measure, entry: MeasureEntry | None) -> dict[str, Any]:
    series = entry.series if entry else read_series(con, m)
    feed = FEEDS.get(m.data.feed or "")
    latest = series.latest
    status = entry.status.rag if entry else "no_data"
    return {
        "id": m.id, "name": m.name, "pledges": m.pledges, "priorities": m.priorities, "unit": m.unit,
        "source_kind": m.source_kind, "synthetic": series.synthetic,
        "computed_on_demo_population": series.demo,
        "source": {"name": feed.name, "publisher": feed.publisher, "load": feed.load} if feed else
        {"name": "Population health management engine", "publisher": "pophealth", "load": "pophealth phm run"},
        "latest_period": latest.label if latest else None,
        "latest_period_end": latest.period_end.isoformat() if latest else None,
        "latest_value": latest.value if latest else None,
        "target": _target(m),
        "baselines": [b.model_dump(mode="json") for b in m.baselines],
        "status": status,
        "note": series.note,
        "out_of_date": series.out_of_date,  # PHM figures of records no longer held (withheld from every page)
        "how_to_load": how_to_load(m),
    }


def _observations(series: MeasureSeries) -> list[dict[str, Any]]:
    return [{"org": series.org, "label": series.label, "period": p.label, "period_start": p.period_start.isoformat(),
             "period_end": p.period_end.isoformat(), "value": p.value, "numerator": p.numerator,
             "denominator": p.denominator, "source": p.source} for p in series.points]


def measure_observations(con: duckdb.DuckDBPyConnection, m: Measure, org: str | None = None) -> dict[str, Any]:
    """Every observation of the measure: the headline series and each comparison, or only ``org``'s."""
    series = read_series(con, m)
    every = [series.model_copy(update={"compare": []}), *series.compare]
    chosen = [s for s in every if org is None or s.org == org]
    return {
        "id": m.id, "name": m.name, "unit": m.unit, "source_kind": m.source_kind,
        "headline_org": series.org, "observations": [o for s in chosen for o in _observations(s)],
        "lineage": [entry.model_dump() for s in chosen for entry in s.lineage],
    }
