"""Reading delimited text and Parquet files into Arrow tables with their file row numbers.

Headers are matched case-insensitively (OHDSI tools write ``PERSON_ID`` or ``person_id``), CSV
values are kept as text so each loader can report a bad value with its row and column, and a
``_row`` column carries the row number a person sees in the file (the header is row 1).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from pophealth.errors import InputError, Problem
from pophealth.sources.text_guard import read_checked

ROW = "_row"
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
PARQUET_SUFFIXES = (".parquet", ".parq")


def read_table(path: Path, label: str | None = None) -> pa.Table:
    """Read one CSV/TSV or Parquet file (or a folder of Parquet parts) with lower-case column names."""
    label = label or path.name
    if path.is_dir() or path.suffix.lower() in PARQUET_SUFFIXES:
        return _read_parquet(path, label)
    return _read_text(path, label)


def _read_text(path: Path, label: str) -> pa.Table:
    text = read_checked(path, label)  # UTF-8, no NUL bytes, no giant cells, no ragged rows
    header = text.split("\n", 1)[0].rstrip("\r")
    if not header.strip():
        raise InputError(Problem(label, "the file is empty; expected a header row", row=1))
    delimiter = "\t" if "\t" in header else ","
    names = _column_names([n.strip().strip('"') for n in header.split(delimiter)], label)
    try:
        table = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, encoding="utf8"),
            parse_options=pacsv.ParseOptions(delimiter=delimiter),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names}, null_values=[""], strings_can_be_null=True
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise InputError(Problem(label, f"cannot be read as delimited text: {exc}")) from None
    return table.append_column(ROW, pa.array(np.arange(2, table.num_rows + 2), pa.int64()))


def _read_parquet(path: Path, label: str) -> pa.Table:
    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(Problem(label, f"cannot be read as Parquet: {exc}")) from None
    table = table.rename_columns(_column_names(table.column_names, label))
    return table.append_column(ROW, pa.array(np.arange(1, table.num_rows + 1), pa.int64()))


def _column_names(raw: Iterable[str], label: str) -> list[str]:
    names = [n.strip().lower() for n in raw]
    seen: set[str] = set()
    problems = []
    for name in names:
        if name in seen:
            problems.append(Problem(label, "the column appears twice (names are not case-sensitive)", row=1,
                                    column=name))
        seen.add(name)
    if problems:
        raise InputError(problems)
    return names


def checksum(files: Iterable[Path], base: Path) -> str:
    """SHA-256 over the files' relative names and bytes, in name order: the identity of a load."""
    digest = hashlib.sha256()
    for file in sorted(files, key=lambda f: f.relative_to(base).as_posix()):
        parts = sorted(file.rglob("*")) if file.is_dir() else [file]
        for part in (p for p in parts if p.is_file()):
            digest.update(part.relative_to(base).as_posix().encode() + b"\0")
            with part.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()
