"""Importing a Fingertips "download data" CSV (any header style) into ``indicator_value``.

The whole file is read and validated before anything is written: a bad file is rejected with
every problem named by file, row and column, and a good file lands in one transaction. Loading
the same file twice leaves the same rows (rows are replaced on the Fingertips key).
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from pophealth.errors import InputError, Problem, shorten
from pophealth.sources.text_guard import checked_text
from pophealth.sources.fingertips_columns import KEY, NUMERIC, REQUIRED, SPACED, map_headers, parent_label
from pophealth.warehouse import transaction

# The Fingertips extracts shipped with the sources (file, date the snapshot reflects; see
# sources/data/fingertips/PROVENANCE.md). The indicators load them; the older public snapshot
# (``public_extracts``) leaves out what they hold.
SHIPPED_EXTRACTS = (
    ("fingertips_llr_ltla_extract_trafford_themes.csv", date(2026, 5, 13)),
    ("fingertips_sample_export_suicide_east_midlands_2015-17.csv", date(2019, 1, 1)),
)


def shipped_extract(name: str) -> Traversable:
    """One of ``SHIPPED_EXTRACTS``, as package data of the sources."""
    return resources.files("pophealth.sources").joinpath("data", "fingertips", name)


LICENCE = "Open Government Licence v3.0"
ATTRIBUTION = ("Office for Health Improvement and Disparities, Fingertips public health data. Contains "
               "public sector information licensed under the Open Government Licence v3.0")
TABLE_COLUMNS = (
    "indicator_id", "indicator_name", "parent_code", "parent_name", "area_code", "area_name", "area_type",
    "sex", "age", "category_type", "category", "time_period", "time_period_sortable", "start_year",
    "value", "lower_ci95", "upper_ci95", "lower_ci998", "upper_ci998", "count", "denominator",
    "value_note", "recent_trend", "compared_to_england", "compared_to_parent", "parent_comparison",
    "new_data", "compared_to_goal", "source", "snapshot_date",
)
MAX_INDICATOR_ID = 2_147_483_647  # the warehouse's INTEGER
MAX_COUNT = 10_000_000_000  # more people or events than this is an error in the file, not a count
MAX_VALUE = 1e12
_START_YEAR = re.compile(r"^\s*(\d{4})")


@dataclass(frozen=True)
class ImportResult:
    source: str
    rows: int
    indicators: int
    areas: int
    duplicates_dropped: int


def read_fingertips_csv(data: bytes, *, name: str) -> tuple[pd.DataFrame, int]:
    """Parse and validate one export; return the canonical frame and how many duplicate rows were dropped.

    ``name`` is how the file is named in error messages. Raises ``InputError`` listing every
    problem; nothing is returned half-read.
    """
    text = checked_text(data, name)  # UTF-8, no NUL bytes, no giant cells, no ragged rows
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise InputError(Problem(name, f"not a readable CSV file: {exc}")) from None
    found, parent_header = map_headers(list(raw.columns))
    missing = [c for c in REQUIRED if c not in found]
    if missing:
        raise InputError([Problem(name, "required column is missing (header styles 'Indicator ID', "
                                  "'IndicatorID' and 'Indicator_ID' are all accepted)", row=1,
                                  column=SPACED[c]) for c in missing])
    frame = pd.DataFrame({col: raw[header].str.strip() for col, header in found.items()})
    for col in SPACED:
        if col not in frame:
            frame[col] = ""
    frame["compared_to_parent"] = raw[parent_header].str.strip() if parent_header else ""
    frame["parent_comparison"] = parent_label(parent_header) if parent_header else ""
    problems: list[Problem] = []
    frame = _typed(frame, found, name, problems)
    if problems:
        raise InputError(sorted(problems, key=lambda p: p.row or 0))
    before = len(frame)
    # The same indicator is published under several area-type labels (boundary vintages).
    frame = frame.drop_duplicates(subset=list(KEY), keep="first").reset_index(drop=True)
    frame.attrs["duplicates_dropped"] = before - len(frame)
    return frame, before - len(frame)


def _typed(frame: pd.DataFrame, found: dict[str, str], name: str, problems: list[Problem]) -> pd.DataFrame:
    """Convert text cells to numbers and keys, recording a Problem for every cell that will not convert."""
    rows = np.arange(len(frame)) + 2  # header is row 1

    def complain(mask: pd.Series, col: str, expected: str) -> None:
        for i in np.flatnonzero(mask.to_numpy()):
            problems.append(Problem(name, f"expected {expected}, found {shorten(frame[col].iat[i])}",
                                    row=int(rows[i]), column=found.get(col, SPACED[col])))

    ids = pd.to_numeric(frame["indicator_id"], errors="coerce")
    complain(ids.isna() | (ids % 1 != 0) | (ids < 1) | (ids > MAX_INDICATOR_ID), "indicator_id",
             f"a whole-number indicator ID from 1 to {MAX_INDICATOR_ID:,}")
    for col in ("area_code", "area_name", "indicator_name", "sex", "time_period"):
        complain(frame[col] == "", col, "a value (this column may not be blank)")
    for col in NUMERIC:
        numbers = pd.to_numeric(frame[col], errors="coerce")
        complain(numbers.isna() & (frame[col] != ""), col, "a number or a blank cell")
        given = numbers.notna()
        if col in ("count", "denominator"):  # counts of people or events: whole, at least 0, plausible
            complain(given & ((numbers < 0) | ~np.isfinite(numbers) | (numbers > MAX_COUNT)), col,
                     f"a count from 0 to {MAX_COUNT:,}")
            complain(given & np.isfinite(numbers) & (numbers >= 0) & (numbers % 1 != 0) & (col == "count"), col,
                     "a whole-number count")
        else:
            complain(given & ~np.isfinite(numbers.where(given, 0)) | (numbers.abs() > MAX_VALUE), col,
                     f"a finite number (at most {MAX_VALUE:.0e} in size)")
        frame[col] = numbers
    start = frame["time_period"].str.extract(_START_YEAR, expand=False)
    complain(start.isna() & (frame["time_period"] != ""), "time_period",
             "a period starting with a four-digit year, e.g. '2022', '2022/23' or '2020 - 22'")
    sortable = pd.to_numeric(frame["time_period_sortable"], errors="coerce")
    complain(sortable.isna() & (frame["time_period_sortable"] != ""), "time_period_sortable",
             "a whole-number sort key such as 20150000, or a blank cell")
    if problems:
        return frame
    frame["indicator_id"] = ids.astype("int64")
    frame["start_year"] = start.astype("int64")
    # Fingertips sort keys are YYYY followed by four digits; derive one when the file has none.
    frame["time_period_sortable"] = sortable.fillna(frame["start_year"] * 10000).astype("int64")
    return frame


@dataclass(frozen=True)
class Batch:
    """One validated file ready to load: its rows, name, snapshot date and checksum."""

    frame: pd.DataFrame
    source: str
    snapshot_date: date | None
    checksum: str


def load_batches(con: duckdb.DuckDBPyConnection, batches: list[Batch],
                 also: Callable[[duckdb.DuckDBPyConnection], None] | None = None) -> None:
    """Replace the rows every batch carries (by the Fingertips key) in ONE transaction, with provenance.

    ``also`` runs inside the same transaction (e.g. recording which snapshots were loaded).
    """
    key_match = " AND ".join(f"t.{k} = i.{k}" for k in KEY)
    cols = ", ".join(TABLE_COLUMNS)
    with transaction(con):
        for batch in batches:
            out = batch.frame.copy()
            out["source"] = batch.source
            out["snapshot_date"] = pd.Timestamp(batch.snapshot_date) if batch.snapshot_date else pd.NaT
            con.register("_incoming", out[list(TABLE_COLUMNS)])
            try:
                con.execute(f"DELETE FROM indicator_value t USING _incoming i WHERE {key_match}")
                con.execute(f"INSERT INTO indicator_value ({cols}, loaded_at) SELECT {cols}, now() FROM _incoming")
            finally:
                con.unregister("_incoming")
            con.execute("INSERT OR REPLACE INTO dataset_provenance VALUES (?, ?, ?, ?, ?, ?, ?, now())",
                        [f"indicator_value:{batch.source}", "OHID Fingertips", LICENCE, ATTRIBUTION,
                         batch.source, len(out), batch.checksum])
        if also is not None:
            also(con)


def read_batch(path: Path | str, *, snapshot_date: date | None = None, source: str | None = None) -> Batch:
    """Read and validate one file into a Batch (raises InputError naming file, row and column)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(Problem(str(path), "file not found"))
    data = path.read_bytes()
    frame, _ = read_fingertips_csv(data, name=str(path))
    return Batch(frame, source or path.name, snapshot_date, hashlib.sha256(data).hexdigest()[:16])


def import_fingertips_csv(con: duckdb.DuckDBPyConnection, path: Path | str, *,
                          snapshot_date: date | None = None, source: str | None = None) -> ImportResult:
    """Validate ``path`` whole, then load it; idempotent and all-or-nothing."""
    batch = read_batch(path, snapshot_date=snapshot_date, source=source)
    load_batches(con, [batch])
    return summarise(batch)


def summarise(batch: Batch) -> ImportResult:
    frame = batch.frame
    return ImportResult(batch.source, len(frame), int(frame["indicator_id"].nunique()),
                        int(frame["area_code"].nunique()), int(frame.attrs.get("duplicates_dropped", 0)))
