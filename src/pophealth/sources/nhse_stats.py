"""Importing NHS England and NHS Digital statistics into ``metric_observation``.

``load_nhse_files`` recognises each file from its content: the CSV/XLSX extract layouts of
``nhse_layouts.LAYOUTS`` (by their header), the NHS England A&E by-provider workbooks
(``nhse_ae_workbook``) and the NHS Digital QOF CCG-level workbooks (``nhsd_qof_workbook``), by
their sheets' headings. It validates every file first, then writes all of them in one
transaction: a bad file rejects the whole load, naming file, sheet, row and column, and nothing is
half-loaded. Loading is idempotent: rows are keyed by metric × organisation × breakdown × period
and a reload replaces them; a workbook replaces every row of its publication for the period it
covers, so a revised edition leaves no row of the first edition behind. Every load is recorded
in ``nhse_load_history`` (file, SHA-256, publisher, publication, periods, rows, time).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from pophealth.errors import InputError, Problem
from pophealth.sources import nhsd_qof_workbook as qof
from pophealth.sources import nhse_ae_workbook as ae
from pophealth.sources.nhse_layouts import LAYOUTS, OBSERVATION_COLUMNS
from pophealth.sources.table_reader import Columns, read_table
from pophealth.sources.workbook import WORKBOOK_SUFFIXES, open_workbook
from pophealth.sources.snapshots import keep_snapshots
from pophealth.warehouse import transaction

LICENCE = "Open Government Licence v3.0"
ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0 (NHS England)"
KEY = ["metric_id", "org_code", "breakdown", "period_start"]
Progress = Callable[[str, Path], None]  # (stage, file): stage is "validate" or "load"


@dataclass(frozen=True)
class ParsedFile:
    path: Path
    layout: str
    observations: pd.DataFrame
    publisher: str = "NHS England"
    publication: str = "NHS England statistics"
    periods: tuple[str, ...] = ()
    # A workbook replaces all rows of these metrics for these period starts (a revised edition).
    replace_metrics: tuple[str, ...] = ()
    replace_periods: tuple[dt.date, ...] = ()
    # Figures printed for comparison (QOF's year before): written only where no row exists yet.
    comparison: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def rows(self) -> int:
        return len(self.observations) + len(self.comparison)


def detect_layout(columns: Iterable[str], file: str) -> str:
    """The layout whose identifying columns the header carries."""
    present = set(columns)
    for name, (needed, _parser) in LAYOUTS.items():
        if needed <= present:
            return name
    raise InputError(Problem(file, "not a recognised NHS England statistics layout; expected the "
                             "columns of one of: " + ", ".join(LAYOUTS), row=1),
                     hint="docs/data-formats.md lists the layouts pophealth reads")


def parse_workbook(path: Path) -> ParsedFile | None:
    """An A&E or QOF workbook recognised by its content; None for any other workbook."""
    book = open_workbook(path)
    if ae.is_ae_workbook(book):
        parsed = ae.parse_ae_workbook(book)
        return ParsedFile(path, "ae-workbook", parsed.observations, ae.PUBLISHER, ae.PUBLICATION,
                          (f"{parsed.period_start:%Y-%m}",), ae.AE_METRICS, (parsed.period_start,))
    if qof.is_qof_workbook(book):
        parsed_q = qof.parse_qof_workbook(book)
        metrics = tuple(sorted(set(parsed_q.observations["metric_id"])))
        start, _ = qof.year_period(parsed_q.year)
        earlier = sorted({f"{d.year}-{(d.year + 1) % 100:02d} (comparison)"
                          for d in parsed_q.comparison.get("period_start", [])})
        return ParsedFile(path, "qof-workbook", parsed_q.observations, qof.PUBLISHER, qof.PUBLICATION,
                          (parsed_q.year, *earlier), metrics, (start,), parsed_q.comparison)
    return None


def parse_file(path: str | Path, layout: str | None = None) -> ParsedFile:
    """Read and validate one file; raises ``InputError`` listing every problem found."""
    path = Path(path)
    if layout is None and path.suffix.lower() in WORKBOOK_SUFFIXES:
        found = parse_workbook(path)
        if found is not None:
            return found
        if path.suffix.lower() not in (".xlsx", ".xlsm"):
            raise InputError(Problem(path.name, "not a recognised workbook: expected an NHS England 'A&E "
                                     "Attendances and Emergency Admissions' by-provider workbook or an NHS "
                                     "Digital QOF CCG-level workbook"),
                             hint="see docs/data-formats.md for the files pophealth reads")
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
    periods = tuple(sorted({f"{d:%Y-%m}" for d in pd.to_datetime(observations["period_start"])})) \
        if len(observations) else ()
    return ParsedFile(path, layout, observations.reset_index(drop=True), periods=periods)


def _same_period_twice(parsed: list[ParsedFile]) -> None:
    """Two editions of one month (or QOF year) in one load would make the result depend on order."""
    seen: dict[tuple[str, dt.date], str] = {}
    problems = []
    for item in parsed:
        for start in item.replace_periods:
            key = (item.layout, start)
            if key in seen:
                problems.append(Problem(item.path.name, f"{seen[key]} holds the same period ({item.periods[0]}) "
                                        "of the same publication; load one edition at a time"))
            seen.setdefault(key, item.path.name)
    if problems:
        raise InputError(problems)


def load_nhse_files(con: duckdb.DuckDBPyConnection, paths: Iterable[str | Path],
                    progress: Progress | None = None) -> dict[str, int]:
    """Validate every file first, then write them all in one transaction; returns rows per file."""
    parsed, problems = [], []
    for p in paths:
        if progress:
            progress("validate", Path(p))
        try:
            parsed.append(parse_file(p))
        except InputError as err:  # keep validating: one message lists every bad file
            problems += err.problems
    if problems:
        raise InputError(problems)
    _same_period_twice(parsed)
    with transaction(con):
        load_id = con.execute("SELECT coalesce(max(load_id), 0) + 1 FROM nhse_load_history").fetchall()[0][0]
        replaced: dict[str, int] = {}
        for item in parsed:
            if progress:
                progress("load", item.path)
            replaced[item.path.name] = _replace_scope(con, item) + write_observations(
                con, item.observations, source_file=item.path.name)
        for item in parsed:  # after every file's own figures, so a comparison never overrides one
            if len(item.comparison):
                write_observations(con, item.comparison, source_file=item.path.name, only_new=True)
        for item in parsed:
            _record(con, load_id, item, replaced[item.path.name])
    for item in parsed:  # the bytes each figure came from, kept dated beside the warehouse
        keep_snapshots(con, item.publication, [item.path])
    return {item.path.name: item.rows for item in parsed}


def _replace_scope(con: duckdb.DuckDBPyConnection, item: ParsedFile) -> int:
    """Remove every row of the workbook's publication for its period; returns how many."""
    if not item.replace_metrics:
        return 0
    where = "metric_id IN (SELECT unnest(?)) AND period_start IN (SELECT unnest(?))"
    args = [list(item.replace_metrics), list(item.replace_periods)]
    count = con.execute(f"SELECT count(*) FROM metric_observation WHERE {where}", args).fetchall()[0][0]
    con.execute(f"DELETE FROM metric_observation WHERE {where}", args).fetchall()
    return int(count)


def _record(con: duckdb.DuckDBPyConnection, load_id: int, item: ParsedFile, replaced: int) -> None:
    digest = _checksum(item.path)
    frames = [f for f in (item.observations, item.comparison) if len(f)]
    first = min((pd.Timestamp(f["period_start"].min()).date() for f in frames), default=None)
    last = max((pd.Timestamp(f["period_end"].max()).date() for f in frames), default=None)
    con.execute("INSERT INTO nhse_load_history VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now())",
                [load_id, item.path.name, digest, item.publisher, item.publication, item.layout,
                 json.dumps(list(item.periods)), first, last, item.rows, replaced]).fetchall()
    attribution = ATTRIBUTION.replace("(NHS England)", f"({item.publisher})")
    con.execute("INSERT OR REPLACE INTO dataset_provenance VALUES (?, ?, ?, ?, ?, ?, ?, now())",
                [f"nhse:{item.path.name}", f"{item.publisher}: {item.publication} ({item.layout})", LICENCE,
                 attribution, item.path.name, item.rows, digest]).fetchall()


def write_observations(con: duckdb.DuckDBPyConnection, observations: pd.DataFrame, *, source_file: str,
                       synthetic: bool = False, only_new: bool = False) -> int:
    """Replace rows with the same key, then insert (call inside a transaction); returns rows replaced.

    With ``only_new`` a row whose key is already stored is left as it is instead.
    """
    frame = observations.loc[:, list(OBSERVATION_COLUMNS)].assign(source_file=source_file, is_synthetic=synthetic)
    match = ("m.metric_id = o.metric_id AND m.org_code = o.org_code AND m.breakdown = o.breakdown "
             "AND m.period_start = CAST(o.period_start AS DATE)")
    con.register("_obs", frame)
    try:
        cols = ", ".join(frame.columns)
        if only_new:
            con.execute(f"INSERT INTO metric_observation ({cols}, loaded_at) SELECT {cols}, now() FROM _obs o "
                        f"WHERE NOT EXISTS (SELECT 1 FROM metric_observation m WHERE {match})").fetchall()
            return 0
        replaced = con.execute(f"SELECT count(*) FROM metric_observation m JOIN _obs o ON {match}").fetchall()[0][0]
        con.execute(f"DELETE FROM metric_observation m USING _obs o WHERE {match}").fetchall()
        con.execute(f"INSERT INTO metric_observation ({cols}, loaded_at) SELECT {cols}, now() FROM _obs").fetchall()
        return int(replaced)
    finally:
        con.unregister("_obs")


def _checksum(path: Path) -> str:
    """SHA-256 of the file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
