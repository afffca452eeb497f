"""Checking staged rows against a CDM table and casting them to its types.

Every value is checked with the warehouse's own type (integers must be whole numbers, dates real
dates), every required field must be filled, and each problem names the file, row and column: such a
file cannot be read as the format it claims and is rejected whole. Rows that are readable but clinically
inconsistent (a medicine that ends before it starts, as real Synthea and OMOP exports carry) are loaded
and reported as data-quality findings in the style of the OHDSI Data Quality Dashboard: check name,
table, column, file, the first rows and how many rows fail.
Checks run in a private in-memory DuckDB, so raw rows never touch the warehouse file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from pophealth.errors import Problem, shorten
from pophealth.sources.cdm_schema import DATE_SPANS, CdmTable, Column
from pophealth.sources.tabular import ROW

SHOWN_PER_COLUMN = 5
MAX_TEXT = 10_000  # characters in one value (a 10 MB cell made a load hang for minutes)
# Values no record can hold, checked per table: (column, SQL true for an impossible value, what was expected)
PLAUSIBLE = {
    "person": [("year_of_birth", "TRY_CAST({c} AS DECIMAL(38,6)) NOT BETWEEN 1850 AND year(current_date)",
                "a year of birth from 1850 to this year"),
               ("birth_datetime", "TRY_CAST({c} AS TIMESTAMP) > current_timestamp", "a birth date not in the future")],
    "death": [("death_date", "TRY_CAST({c} AS DATE) > current_date", "a date of death not in the future")],
}
PERSON = "_person"  # the source person identifier, as text, until it is pseudonymised
_EXPECTED = {
    "BIGINT": "a whole number",
    "DOUBLE": "a number",
    "DATE": "a date (YYYY-MM-DD)",
    "TIMESTAMP": "a date-time (YYYY-MM-DD hh:mm:ss)",
}


@dataclass(frozen=True)
class Finding:
    """One failed data-quality check (OHDSI DQD style) on the rows of one file."""

    check: str  # the DQD check name, e.g. plausibleStartBeforeEnd
    table: str
    column: str
    file: str
    rows: tuple[int, ...]  # the first failing rows (file row numbers, header = 1)
    count: int  # every failing row
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"check": self.check, "table": self.table, "column": self.column, "file": self.file,
                "rows": list(self.rows), "count": self.count, "message": self.message}


@dataclass
class Part:
    """Rows for one CDM table from one source file."""

    table: str
    file: str
    data: pa.Table  # CDM column names in lower case, plus ``_row``
    source_columns: dict[str, str] = field(default_factory=dict)  # CDM column -> name in the file
    text_person_ids: bool = False  # person_id holds a text identifier (e.g. a Synthea UUID)
    extra_columns: frozenset[str] = frozenset()  # non-CDM columns the loader itself uses

    def column_label(self, name: str) -> str:
        return self.source_columns.get(name, name)


def _cast(column: Column, ref: str) -> str:
    if column.type == "BIGINT":
        return f"CAST(TRY_CAST({ref} AS DECIMAL(38,6)) AS BIGINT)"
    return f"TRY_CAST({ref} AS {column.type})"


def _invalid(column: Column, ref: str) -> str:
    """SQL that is true for a present value that is not of the column's type."""
    if column.type == "VARCHAR":
        return "false"
    if column.type == "BIGINT":
        dec = f"TRY_CAST({ref} AS DECIMAL(38,6))"
        return (f"({ref} IS NOT NULL AND ({dec} IS NULL OR {dec} <> floor({dec}) "
                f"OR abs({dec}) > 9223372036854775807))")
    return f"({ref} IS NOT NULL AND TRY_CAST({ref} AS {column.type}) IS NULL)"


def check_part(stage: duckdb.DuckDBPyConnection, part: Part, table: CdmTable) -> list[Problem]:
    """Every problem in one part: unknown or missing columns, bad types, empty required values."""
    present = [c for c in part.data.column_names if c != ROW]
    problems = [
        Problem(part.file, f"unknown column for OMOP table {table.name}", row=1, column=c)
        for c in present
        if table.column(c) is None and c not in part.extra_columns
    ]
    problems += [
        Problem(part.file, f"required column of OMOP table {table.name} is missing", row=1,
                column=part.column_label(c.name))
        for c in table.columns
        if c.required and c.name not in present
    ]
    if problems:
        return problems
    stage.register("_part", part.data)
    try:
        checks: list[tuple[Column, str, str]] = []
        for column in (c for c in table.columns if c.name in present):
            ref = f'"{column.name}"'
            if not (column.name == "person_id" and part.text_person_ids):
                checks.append((column, _invalid(column, ref), f"expected {_EXPECTED.get(column.type)}"))
            if column.required:
                checks.append((column, f"{ref} IS NULL", "a value is required"))
            text = f"CAST({ref} AS VARCHAR)"
            checks.append((column, f"(contains({text}, chr(0)) OR length({text}) > {MAX_TEXT})",
                           f"expected a value without NUL bytes, of at most {MAX_TEXT:,} characters"))
            for name, sql, expected in PLAUSIBLE.get(table.name, []):
                if name == column.name:
                    checks.append((column, sql.format(c=ref), f"expected {expected}"))
        if not checks:
            return []
        counts = stage.execute(
            "SELECT " + ", ".join(f"count_if({sql})" for _, sql, _ in checks) + " FROM _part"
        ).fetchall()[0]
        for (column, sql, message), count in zip(checks, counts):
            if not count:
                continue
            rows = stage.execute(
                f'SELECT {ROW}, CAST("{column.name}" AS VARCHAR) FROM _part WHERE {sql} ORDER BY {ROW} LIMIT ?',
                [SHOWN_PER_COLUMN],
            ).fetchall()
            for row, value in rows:
                got = "" if value is None else f", got {shorten(value)}"
                problems.append(Problem(part.file, message + got, row=row, column=part.column_label(column.name)))
            if count > len(rows):
                problems.append(Problem(part.file, f"... {count - len(rows)} more rows like this",
                                        column=part.column_label(column.name)))
        return problems
    finally:
        stage.unregister("_part")


def findings(stage: duckdb.DuckDBPyConnection, part: Part, table: CdmTable) -> list[Finding]:
    """Data-quality findings of a part that passed ``check_part``: its rows are loaded as they are."""
    if table.name not in DATE_SPANS or not {*DATE_SPANS[table.name]} <= set(part.data.column_names):
        return []
    start, end = DATE_SPANS[table.name]
    stage.register("_part", part.data)
    try:
        failing = f'TRY_CAST("{end}" AS DATE) < TRY_CAST("{start}" AS DATE)'
        count = stage.execute(f"SELECT count_if({failing}) FROM _part").fetchall()[0][0]
        if not count:
            return []
        rows = stage.execute(f"SELECT {ROW} FROM _part WHERE {failing} ORDER BY {ROW} LIMIT ?",
                             [SHOWN_PER_COLUMN]).fetchall()
    finally:
        stage.unregister("_part")
    return [Finding("plausibleStartBeforeEnd", table.name, part.column_label(end), part.file,
                    tuple(r for (r,) in rows), int(count),
                    f"{part.column_label(end)} is before {part.column_label(start)} (row loaded as it is)")]


def typed(stage: duckdb.DuckDBPyConnection, part: Part, table: CdmTable) -> pa.Table:
    """The part's rows cast to the table's types, in CDM column order, with ``_file`` and ``_row``.

    ``person_id`` is replaced by ``_person``, the source identifier as text, for pseudonymisation.
    """
    present = set(part.data.column_names)
    select = []
    for column in table.columns:
        ref = f'"{column.name}"'
        if column.name == "person_id":
            raw = f"trim(CAST({ref} AS VARCHAR))" if part.text_person_ids else f"CAST({_cast(column, ref)} AS VARCHAR)"
            select.append(f"{raw} AS {PERSON}")
        elif column.name in present:
            select.append(f"{_cast(column, ref)} AS {ref}")
        else:
            select.append(f'CAST(NULL AS {column.type}) AS "{column.name}"')
    label = part.file.replace("'", "''")
    select += [f"'{label}' AS _file", ROW]
    select += [f'CAST("{c}" AS VARCHAR) AS "{c}"' for c in sorted(part.extra_columns & present)]
    stage.register("_part", part.data)
    try:
        return stage.sql(f"SELECT {', '.join(select)} FROM _part").to_arrow_table()
    finally:
        stage.unregister("_part")
