"""Importing NHS England statistical files into ``metric_observation``.

``load_nhse_files`` recognises each file's layout from its header (``nhse_layouts.LAYOUTS``),
validates every row, and writes all the files in one transaction: a bad file rejects the whole
load, naming file, row and column, and nothing is half-loaded. Loading is idempotent: rows are
keyed by metric × organisation × breakdown × period, and a reload replaces them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from pophealth.errors import InputError, Problem
from pophealth.sources.nhse_layouts import LAYOUTS, OBSERVATION_COLUMNS
from pophealth.sources.table_reader import Columns, read_table
from pophealth.warehouse import transaction

LICENCE = "Open Government Licence v3.0"
ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0 (NHS England)"
KEY = ["metric_id", "org_code", "breakdown", "period_start"]


@dataclass(frozen=True)
class ParsedFile:
    path: Path
    layout: str
    observations: pd.DataFrame


def detect_layout(columns: Iterable[str], file: str) -> str:
    """The layout whose identifying columns the header carries."""
    present = set(columns)
    for name, (needed, _parser) in LAYOUTS.items():
        if needed <= present:
            return name
    raise InputError(Problem(file, "not a recognised NHS England statistics layout; expected the "
                             "columns of one of: " + ", ".join(LAYOUTS), row=1),
                     hint="docs/data-formats.md lists the layouts pophealth reads")


def parse_file(path: str | Path, layout: str | None = None) -> ParsedFile:
    """Read and validate one file; raises ``InputError`` listing every problem found."""
    path = Path(path)
    frame, sheet = read_table(path)
    layout = layout or detect_layout(frame.columns, path.name)
    if layout not in LAYOUTS:
        raise InputError(Problem(path.name, f"unknown layout {layout!r}; expected one of {sorted(LAYOUTS)}"))
    cols = Columns(frame, path.name, sheet)
    observations = LAYOUTS[layout][1](cols)
    cols.raise_if_any()
    duplicated = observations.duplicated(KEY, keep=False)
    if duplicated.any():
        first = observations[duplicated].iloc[0]
        raise InputError(Problem(path.name, "the same metric, organisation, breakdown and period appears "
                                 f"more than once (e.g. {first['metric_id']} {first['org_code']} "
                                 f"{first['breakdown']!r} {first['period_start']})"))
    return ParsedFile(path, layout, observations.reset_index(drop=True))


def load_nhse_files(con: duckdb.DuckDBPyConnection, paths: Iterable[str | Path]) -> dict[str, int]:
    """Validate every file first, then write them all in one transaction; returns rows per file."""
    parsed = [parse_file(p) for p in paths]
    with transaction(con):
        for item in parsed:
            write_observations(con, item.observations, source_file=item.path.name)
            con.execute(
                "INSERT OR REPLACE INTO dataset_provenance VALUES (?, ?, ?, ?, ?, ?, ?, now())",
                [f"nhse:{item.path.name}", f"NHS England statistics ({item.layout})", LICENCE, ATTRIBUTION,
                 item.path.name, len(item.observations), _checksum(item.path)],
            )
    return {item.path.name: len(item.observations) for item in parsed}


def write_observations(con: duckdb.DuckDBPyConnection, observations: pd.DataFrame, *, source_file: str,
                       synthetic: bool = False) -> None:
    """Replace rows with the same key, then insert (call inside a transaction)."""
    frame = observations.loc[:, list(OBSERVATION_COLUMNS)].assign(source_file=source_file, is_synthetic=synthetic)
    con.register("_obs", frame)
    try:
        con.execute("DELETE FROM metric_observation m USING _obs o WHERE m.metric_id = o.metric_id "
                    "AND m.org_code = o.org_code AND m.breakdown = o.breakdown "
                    "AND m.period_start = CAST(o.period_start AS DATE)")
        cols = ", ".join(frame.columns)
        con.execute(f"INSERT INTO metric_observation ({cols}, loaded_at) SELECT {cols}, now() FROM _obs")
    finally:
        con.unregister("_obs")


def _checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
