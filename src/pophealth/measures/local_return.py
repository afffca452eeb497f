"""The local measure return: figures an ICB team fills in itself for a catalogue measure.

Layout (CSV, one row per measure x organisation x period): ``measure_id, org_code, period_start,
period_end`` and either ``numerator`` and ``denominator`` (for a percentage or a rate) or
``value`` in the measure's unit as displayed (61.4 for 61.4%), and ``source`` saying where the
figure comes from. The whole file is checked first; a bad row rejects the file, naming the row and
column; a good file lands in one transaction and a reload replaces the same rows.
"""

from __future__ import annotations

import io
import math
from pathlib import Path

import duckdb
import pandas as pd

from pophealth.errors import InputError, Problem
from pophealth.sources.nhse_stats import write_observations
from pophealth.sources.text_guard import read_checked
from pophealth.strategy.models import Strategy
from pophealth.warehouse import transaction

REQUIRED = ("measure_id", "org_code", "period_start", "period_end", "source")


def read_local_return(strategy: Strategy, path: Path) -> pd.DataFrame:
    name = path.name
    text = read_checked(path, name)  # UTF-8, no NUL bytes, no giant cells, no ragged rows
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(Problem(name, f"not a readable CSV file: {str(exc)[:200]}")) from None
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise InputError(Problem(name, f"missing column(s) {', '.join(missing)}", row=1))
    measures = {m.id: m for m in strategy.measures}
    problems, rows = [], []
    for i, r in raw.iterrows():
        row = int(i) + 2
        m = measures.get(str(r["measure_id"]).strip())
        if m is None or m.data.kind != "operational" or not m.data.metric_id:
            problems.append(Problem(name, f"not a catalogue measure filled by returns: {r['measure_id'][:40]!r}",
                                    row=row, column="measure_id"))
            continue

        def num(col: str) -> float | None:
            text = str(r.get(col, "") or "").strip()
            if not text:
                return None
            try:
                value = float(text)
            except ValueError:
                problems.append(Problem(name, f"expected a number, got {text[:40]!r}", row=row, column=col))
                return None
            if not math.isfinite(value) or value < 0:
                problems.append(Problem(name, "expected a finite number of 0 or more", row=row, column=col))
                return None
            return value

        try:
            start, end = pd.Timestamp(r["period_start"]).date(), pd.Timestamp(r["period_end"]).date()
        except (ValueError, TypeError):
            problems.append(Problem(name, "expected dates like 2024-04-01", row=row, column="period_start"))
            continue
        if end < start:
            problems.append(Problem(name, "period_end is before period_start", row=row, column="period_end"))
        n, d, v = num("numerator"), num("denominator"), num("value")
        if (n is None) != (d is None) or (n is None and v is None):
            problems.append(Problem(name, "give numerator and denominator, or value", row=row, column="value"))
            continue
        ratio = n is not None
        rows.append({"metric_id": m.data.metric_id, "org_code": r["org_code"].strip(),
                     "org_type": m.data.org_type or "icb", "breakdown": "", "period_start": start, "period_end": end,
                     "numerator": n if ratio else float("nan"), "denominator": d if ratio else float("nan"),
                     "value": (n / d if d else float("nan")) if ratio else v / m.data.scale,
                     "unit": "proportion" if ratio else m.unit, "measure_id": m.id})
    if problems:
        raise InputError(problems)
    return pd.DataFrame(rows)


def load_local_return(con: duckdb.DuckDBPyConnection, strategy: Strategy, path: Path) -> dict[str, int]:
    frame = read_local_return(strategy, Path(path))
    if frame.empty:
        return {}
    with transaction(con):
        write_observations(con, frame, source_file=Path(path).name)
    return frame.groupby("measure_id").size().to_dict() if len(frame) else {}
