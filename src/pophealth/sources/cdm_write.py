"""The shared last mile of every patient-level import: check, pseudonymise, and write in one go.

Loaders (OMOP, Synthea) turn their files into ``Part``s; this module checks every part, replaces
each source person identifier by its keyed pseudonym, checks keys across the load and against
the warehouse, and writes everything in one transaction.

Load semantics ("replace the persons in the load"): for each CDM table in the load, the rows of
every person the load names are deleted and the load's rows inserted; reference tables
(location, care_site, provider) and person itself are replaced row by row on their id. Loading the same folder
twice therefore leaves exactly the same rows, and loads of different people sit side by side.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from pophealth.errors import ConfigError, InputError, Problem
from pophealth.sources import nhs_number
from pophealth.sources.cdm_checks import PERSON, SHOWN_PER_COLUMN, Part, check_part, findings, typed
from pophealth.sources.cdm_schema import CDM_TABLES, CdmTable, cdm_schema
from pophealth.sources.pseudonymise import Pseudonymiser
from pophealth.warehouse import transaction
from pophealth.warehouse.versions import record_population

NHS_NUMBER = "nhs_number"
# Geography links the CDM does not carry: an LSOA 2021 code in location_source_value, and an ODS
# GP practice code in care_site_source_value (with its PCN when the geography is loaded).
_LINKS = {
    "location": """INSERT OR REPLACE INTO location_lsoa
        SELECT location_id, location_source_value FROM _rows
        WHERE regexp_full_match(location_source_value, 'E01[0-9]{6}')""",
    "care_site": """INSERT OR REPLACE INTO care_site_practice
        SELECT r.care_site_id, r.care_site_source_value, g.pcn_code FROM _rows r
        LEFT JOIN geo_practice g ON g.practice_code = r.care_site_source_value
        WHERE regexp_full_match(r.care_site_source_value, '[A-Z][0-9]{5}')""",
}
Progress = Callable[[str], None]


@dataclass
class LoadSummary:
    """What one load wrote; also recorded in ``import_batch``."""

    batch_id: int
    source: str
    layout: str
    folder: str
    files: list[str]
    row_counts: dict[str, int]
    persons: int
    checksum: str
    skipped: list[str] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)  # data-quality findings (cdm_checks.Finding.as_dict)


@dataclass
class Batch:
    """Where a load came from, for ``import_batch`` and for messages."""

    source: str
    layout: str
    folder: str
    files: list[str]
    checksum: str
    namespace: str  # keeps one source's person identifiers apart from another's
    skipped: list[str] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)  # data-quality findings (cdm_checks.Finding.as_dict)


def load_parts(con: duckdb.DuckDBPyConnection, parts: list[Part], batch: Batch,
               pseudonymiser: Pseudonymiser, progress: Progress | None = None) -> LoadSummary:
    """Check every part, pseudonymise, and write all tables in one transaction (or raise InputError)."""
    say = progress or (lambda _message: None)
    schema = cdm_schema()
    _check_key(con, pseudonymiser)
    stage = duckdb.connect()  # raw values live only here, in memory
    try:
        say("checking values")
        problems = [p for part in parts for p in check_part(stage, part, schema[part.table])]
        if problems:
            raise InputError(problems)
        found = [f.as_dict() for part in parts for f in findings(stage, part, schema[part.table])]
        labels = {(part.table, part.file): part for part in parts}
        tables = _typed_tables(stage, parts, schema)
        say("pseudonymising person identifiers")
        mapping = _person_mapping(tables, labels, batch.namespace, pseudonymiser)
        stage.register("_map", mapping)
        tables = {name: _pseudonymised(stage, t, schema[name]) for name, t in tables.items()}
        persons = pa.table({"person_id": pa.array(sorted(set(mapping["person_id"].to_pylist())), pa.int64())})
        say("checking keys")
        problems = _key_problems(stage, tables, schema, labels)
        problems += _death_before_birth(stage, tables)
        problems += _person_link_problems(con, stage, tables, labels)
        problems += _collision_problems(con, tables, schema, persons)
        if problems:
            raise InputError(problems)
        say("writing")
        summary = _write(con, tables, schema, persons, batch, pseudonymiser)
        summary.findings = found
        return summary
    finally:
        stage.close()


def _death_before_birth(stage, tables: dict[str, pa.Table]) -> list[Problem]:
    """A death recorded before the person was born is impossible: refused, naming the death's row."""
    if "death" not in tables or "person" not in tables:
        return []
    stage.register("_death", tables["death"])
    stage.register("_person_rows", tables["person"])
    try:
        rows = stage.execute(
            f"""SELECT d._file, d._row, d.death_date, p.year_of_birth FROM _death d JOIN _person_rows p USING ({PERSON})
                WHERE d.death_date < coalesce(CAST(p.birth_datetime AS DATE),
                                              make_date(CAST(p.year_of_birth AS BIGINT),
                                                        coalesce(CAST(p.month_of_birth AS BIGINT), 1),
                                                        coalesce(CAST(p.day_of_birth AS BIGINT), 1)))
                ORDER BY d._file, d._row LIMIT 20""").fetchall()
    finally:
        stage.unregister("_death")
        stage.unregister("_person_rows")
    return [Problem(file, f"the date of death {day} is before the person was born ({born})", row=row,
                    column="death_date") for file, row, day, born in rows]


def _check_key(con: duckdb.DuckDBPyConnection, pseudonymiser: Pseudonymiser) -> None:
    used = {r[0] for r in con.execute("SELECT DISTINCT key_fingerprint FROM import_batch").fetchall()}
    if used and pseudonymiser.fingerprint not in used:
        raise ConfigError(
            "The pseudonymisation key differs from the one used for earlier loads into this warehouse",
            hint="use the same key, or the new person_ids will not link to those already loaded",
        )


def _typed_tables(stage, parts: list[Part], schema: dict[str, CdmTable]) -> dict[str, pa.Table]:
    grouped: dict[str, list[pa.Table]] = {}
    for part in parts:
        grouped.setdefault(part.table, []).append(typed(stage, part, schema[part.table]))
    return {t: pa.concat_tables(grouped[t], promote_options="permissive") for t in CDM_TABLES if t in grouped}


def _person_mapping(tables: dict[str, pa.Table], labels: dict, namespace: str,
                    pseudonymiser: Pseudonymiser) -> pa.Table:
    """Source identifier -> pseudonym. A valid NHS number, when given, is the identity used."""
    identity: dict[str, tuple[str, str]] = {}
    person = tables.get("person")
    if person is not None and NHS_NUMBER in person.column_names:
        problems = []
        rows = zip(person[PERSON].to_pylist(), person[NHS_NUMBER].to_pylist(),
                   person["_file"].to_pylist(), person["_row"].to_pylist())
        for raw, nhs, file, row in rows:
            if nhs is None:
                continue
            if not nhs_number.is_valid(nhs):
                problems.append(Problem(file, "not a valid NHS number (ten digits, modulus-11 check digit)",
                                        row=row, column=labels[("person", file)].column_label(NHS_NUMBER)))
            identity[raw] = ("nhs", nhs_number.normalise(nhs))
        if problems:
            raise InputError(problems)
    raws = {raw for t in tables.values() if PERSON in t.column_names for raw in t[PERSON].to_pylist()}
    pairs = [(raw, pseudonymiser.pseudonym(*identity.get(raw, (namespace, raw)))) for raw in sorted(raws)]
    return pa.table({PERSON: pa.array([r for r, _ in pairs], pa.string()),
                     "person_id": pa.array([p for _, p in pairs], pa.int64())})


def _pseudonymised(stage, table: pa.Table, cdm: CdmTable) -> pa.Table:
    if PERSON not in table.column_names:
        return table
    stage.register("_t", table)
    cols = ", ".join("_map.person_id" if c.name == "person_id" else f'_t."{c.name}"' for c in cdm.columns)
    out = stage.sql(
        f"SELECT {cols}, _t._file, _t._row, _t.{PERSON} FROM _t JOIN _map USING ({PERSON})"
    ).to_arrow_table()
    stage.unregister("_t")
    return out


def _key_problems(stage, tables: dict[str, pa.Table], schema: dict[str, CdmTable], labels: dict) -> list[Problem]:
    problems = []
    for name, table in tables.items():
        key = schema[name].key
        stage.register("_t", table)
        # cheap aggregates first; the rows of a duplicated key are gathered only for the few shown
        dupes = stage.execute(
            f'WITH d AS (SELECT "{key}" FROM _t GROUP BY "{key}" HAVING count(*) > 1 ORDER BY min(_row) LIMIT ?) '
            f'SELECT "{key}", list(_file ORDER BY _file, _row), list(_row ORDER BY _file, _row) '
            f'FROM _t SEMI JOIN d USING ("{key}") GROUP BY "{key}" ORDER BY min(_row)', [SHOWN_PER_COLUMN]
        ).fetchall()
        stage.unregister("_t")
        what = "more than one death record for a person" if name == "death" else f"duplicate {key}"
        for _value, files, rows in dupes:
            others = ", ".join(str(r) for r in rows[1:])
            problems.append(Problem(files[1], f"{what} (also on row {rows[0]} of {files[0]}; here rows {others})",
                                    row=rows[1], column=labels[(name, files[1])].column_label(key)))
    return problems


def _person_link_problems(con, stage, tables: dict[str, pa.Table], labels: dict) -> list[Problem]:
    known = con.sql("SELECT person_id FROM person").to_arrow_table()
    if "person" in tables:
        known = pa.concat_tables([known, tables["person"].select(["person_id"])])
    stage.register("_known", known)
    problems = []
    for name, table in tables.items():
        if name == "person" or PERSON not in table.column_names:
            continue
        stage.register("_t", table)
        rows = stage.execute(
            f"SELECT _file, _row, {PERSON} FROM _t ANTI JOIN _known USING (person_id) ORDER BY _file, _row LIMIT ?",
            [SHOWN_PER_COLUMN],
        ).fetchall()
        stage.unregister("_t")
        problems += [
            Problem(file, f"person {raw!r} has no person record in this load or the warehouse", row=row,
                    column=labels[(name, file)].column_label("person_id"))
            for file, row, raw in rows
        ]
    stage.unregister("_known")
    return problems


def _collision_problems(con, tables, schema: dict[str, CdmTable], persons: pa.Table) -> list[Problem]:
    """Event ids already used by someone outside this load would be silently doubled: refuse."""
    problems = []
    con.register("_persons", persons)
    for name, table in tables.items():
        cdm = schema[name]
        if not cdm.per_person or cdm.key == "person_id":
            continue
        con.register("_ids", table.select([cdm.key, "_file", "_row"]))
        rows = con.execute(
            f"SELECT i._file, i._row, i.{cdm.key} FROM _ids i JOIN {name} t USING ({cdm.key}) "
            f"WHERE t.person_id NOT IN (SELECT person_id FROM _persons) ORDER BY 1, 2 LIMIT ?",
            [SHOWN_PER_COLUMN],
        ).fetchall()
        con.unregister("_ids")
        problems += [Problem(f, f"{cdm.key} {v} is already used by a record of another person in the warehouse",
                             row=r, column=cdm.key) for f, r, v in rows]
    con.unregister("_persons")
    return problems


def _write(con, tables: dict[str, pa.Table], schema: dict[str, CdmTable], persons: pa.Table,
           batch: Batch, pseudonymiser: Pseudonymiser) -> LoadSummary:
    counts = {name: t.num_rows for name, t in tables.items()}
    con.register("_persons", persons)
    try:
        with transaction(con):
            for name, table in tables.items():
                cdm = schema[name]
                cols = ", ".join(f'"{c.name}"' for c in cdm.columns)
                con.register("_rows", table.select([c.name for c in cdm.columns]))
                if cdm.per_person and name != "person":
                    con.execute(f"DELETE FROM {name} WHERE person_id IN (SELECT person_id FROM _persons)")
                else:
                    con.execute(f'DELETE FROM {name} WHERE "{cdm.key}" IN (SELECT "{cdm.key}" FROM _rows)')
                con.execute(f"INSERT INTO {name} ({cols}) SELECT {cols} FROM _rows")
                if name in _LINKS:
                    con.execute(_LINKS[name])
                con.unregister("_rows")
            batch_id = con.execute("SELECT coalesce(max(batch_id), 0) + 1 FROM import_batch").fetchall()[0][0]
            con.execute(
                "INSERT INTO import_batch VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, now())",
                [batch_id, batch.source, batch.layout, batch.folder, json.dumps(batch.files),
                 json.dumps(counts), persons.num_rows, batch.checksum, pseudonymiser.fingerprint],
            )
            record_population(con, f"load {batch.source} batch {batch_id}")
    finally:
        con.unregister("_persons")
    return LoadSummary(batch_id, batch.source, batch.layout, batch.folder, batch.files, counts,
                       persons.num_rows, batch.checksum, batch.skipped)
