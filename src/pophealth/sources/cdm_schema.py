"""The OMOP CDM tables as the warehouse defines them: columns, types, required fields, keys.

The loader reads the schema from the warehouse itself (migration 0400), so the checks can never
drift from the tables they feed; a reference test checks that schema against the OHDSI spec.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import duckdb

# Loaded in this order: parents before children.
CDM_TABLES = (
    "location", "care_site", "provider", "person", "observation_period", "visit_occurrence",
    "condition_occurrence", "drug_exposure", "measurement", "observation", "procedure_occurrence", "death",
)
# Spans whose end may not come before their start.
DATE_SPANS = {
    "observation_period": ("observation_period_start_date", "observation_period_end_date"),
    "visit_occurrence": ("visit_start_date", "visit_end_date"),
    "drug_exposure": ("drug_exposure_start_date", "drug_exposure_end_date"),
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # BIGINT, DOUBLE, DATE, TIMESTAMP or VARCHAR
    required: bool


@dataclass(frozen=True)
class CdmTable:
    name: str
    columns: tuple[Column, ...]

    @property
    def key(self) -> str:
        """The identifying column: ``<table>_id``, or ``person_id`` for death (one row per person)."""
        return "person_id" if self.name == "death" else f"{self.name}_id"

    @property
    def per_person(self) -> bool:
        return any(c.name == "person_id" for c in self.columns)

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


@cache
def _schema_from_fresh_warehouse() -> dict[str, CdmTable]:
    from pophealth.warehouse import connect

    con = connect(":memory:")
    try:
        return read_schema(con)
    finally:
        con.close()


def cdm_schema() -> dict[str, CdmTable]:
    """The CDM tables as created by the shipped migrations (read once per process)."""
    return _schema_from_fresh_warehouse()


def read_schema(con: duckdb.DuckDBPyConnection) -> dict[str, CdmTable]:
    rows = con.execute(
        """SELECT table_name, column_name, data_type, is_nullable = 'NO'
           FROM information_schema.columns
           WHERE table_schema = 'main' AND table_name IN (SELECT unnest(?))
           ORDER BY table_name, ordinal_position""",
        [list(CDM_TABLES)],
    ).fetchall()
    tables: dict[str, list[Column]] = {}
    for table, name, dtype, required in rows:
        tables.setdefault(table, []).append(Column(name, dtype, bool(required)))
    return {t: CdmTable(t, tuple(tables[t])) for t in CDM_TABLES}
