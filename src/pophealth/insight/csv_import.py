"""Reading an insights CSV in the documented layout (``pophealth insights import FILE``).

The whole file is checked before anything is written: every bad cell is reported with the file, the row, the
column and what was expected, and one bad row rejects the file. A good file is saved in one transaction; a
record whose id is already held is replaced, so importing the same file twice changes nothing.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb

from pophealth.errors import InputError, Problem
from pophealth.insight.models import COLUMNS, REQUIRED, Insight, check_insight
from pophealth.insight.store import save_insights
from pophealth.sources.text_guard import checked_text, read_checked
from pophealth.strategy.models import Strategy


def read_insights(strategy: Strategy, path: Path, *, label: str | None = None, data: bytes | None = None
                  ) -> list[Insight]:
    """The file's records, or an ``InputError`` listing every problem."""
    name = label or path.name
    text = checked_text(data, name) if data is not None else read_checked(path, name)
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader, [])]
    if not header or header == [""]:
        raise InputError(Problem(name, "the file is empty; expected a header row with " + ", ".join(REQUIRED)))
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputError(Problem(name, f"missing column(s) {', '.join(missing)}; the layout needs "
                                       f"{', '.join(REQUIRED)}", row=1))
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise InputError(Problem(name, f"unknown column(s) {', '.join(repr(u[:40]) for u in unknown)}; expected "
                                       f"only {', '.join(COLUMNS)}", row=1))
    doubled = sorted({h for h in header if header.count(h) > 1})
    if doubled:
        raise InputError(Problem(name, f"column(s) given twice: {', '.join(doubled)}", row=1))
    problems: list[Problem] = []
    records: list[Insight] = []
    seen: dict[str, int] = {}
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        checked = check_insight(strategy, dict(zip(header, cells)))
        problems += [Problem(name, message, row=number, column=column) for column, message in checked.problems]
        if checked.insight is not None:
            if checked.insight.id in seen:
                problems.append(Problem(name, f"id {checked.insight.id!r} is also on row {seen[checked.insight.id]}",
                                        row=number, column="id"))
            seen[checked.insight.id] = number
            records.append(checked.insight)
    if problems:
        raise InputError(problems)
    return records


def import_insights(con: duckdb.DuckDBPyConnection, strategy: Strategy, path: Path, *, by: str = "import"
                    ) -> dict[str, int]:
    """Check and save the file; ``{"created": n, "updated": m}``."""
    path = Path(path)
    return save_insights(con, read_insights(strategy, path), by=by, origin=path.name)
