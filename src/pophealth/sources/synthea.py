"""``pophealth load synthea DIR``: a Synthea CSV export, mapped to OMOP CDM, into the warehouse.

Both layouts are read: the older one (e.g. ``conditions.csv`` = START,STOP,PATIENT,ENCOUNTER,CODE,
DESCRIPTION; procedures with DATE) and Synthea v3 (conditions with SYSTEM, procedures with
START/STOP, patients with FIPS/INCOME ...); columns are found by name, so added columns are
harmless. Names, addresses, SSN and other direct identifiers are never read into the warehouse;
the patient Id becomes a keyed pseudonym, and event ids are keyed hashes of stable row keys.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import duckdb
import pyarrow as pa

from pophealth.errors import InputError, NotFoundError, Problem
from pophealth.sources.cdm_checks import Part
from pophealth.sources.cdm_write import Batch, LoadSummary, Progress, load_parts
from pophealth.sources.pseudonymise import Pseudonymiser
from pophealth.sources.synthea_mapping import MAPPINGS, PERIOD_OF_ENCOUNTERS, Mapping
from pophealth.sources.tabular import checksum, read_table

NAMESPACE = "synthea"
# Columns that only Synthea v3 writes, by file.
V3_MARKERS = {"patients": {"fips", "income", "middle"}, "conditions": {"system"},
              "procedures": {"start"}, "observations": {"category"}}
_WORD = re.compile(r"[a-z_]+")


def find_files(folder: Path) -> tuple[dict[str, Path], list[str]]:
    """Synthea file stem (lower case) -> path, and the names of files this loader does not use."""
    if not folder.is_dir():
        raise NotFoundError(f"No folder at {folder}")
    used = {m.file for m in MAPPINGS}
    found, skipped = {}, []
    for entry in sorted(folder.iterdir()):
        stem = entry.stem.lower()
        if entry.is_file() and entry.suffix.lower() == ".csv" and stem in used:
            found[stem] = entry
        elif not entry.name.startswith("."):
            skipped.append(entry.name)
    if "patients" not in found:
        raise InputError(Problem(str(folder), "patients.csv is missing; expected a Synthea CSV export"))
    return found, skipped


def detect_layout(columns: dict[str, list[str]]) -> str:
    """``synthea-v3`` when any file has a column only v3 writes, else ``synthea-legacy``."""
    v3 = any(V3_MARKERS.get(stem, set()) & set(cols) for stem, cols in columns.items())
    return "synthea-v3" if v3 else "synthea-legacy"


def load_synthea(con: duckdb.DuckDBPyConnection, folder: str | os.PathLike[str], pseudonymiser: Pseudonymiser,
                 progress: Progress | None = None) -> LoadSummary:
    """Map a Synthea export to OMOP and load it in one transaction; raise InputError on any problem."""
    folder = Path(folder)
    files, skipped = find_files(folder)
    data = {}
    for stem, path in files.items():
        if progress:
            progress(f"reading {path.name}")
        data[stem] = read_table(path)
    problems = [
        Problem(files[m.file].name, "required column is missing", row=1, column=column.upper())
        for m in MAPPINGS if m.file in data
        for column in m.required if column not in data[m.file].column_names
    ]
    if problems:
        raise InputError(sorted(set(problems), key=str))
    stage = duckdb.connect()
    try:
        parts = [_map(stage, m, files[m.file].name, data[m.file], pseudonymiser) for m in MAPPINGS if m.file in data]
        if "encounters" in data:
            parts.append(_observation_periods(stage, files["encounters"].name, data["encounters"], pseudonymiser))
    finally:
        stage.close()
    batch = Batch(source="synthea", layout=detect_layout({s: t.column_names for s, t in data.items()}),
                  folder=str(folder.resolve()), files=sorted(p.name for p in files.values()),
                  checksum=checksum(files.values(), folder), namespace=NAMESPACE, skipped=skipped)
    return load_parts(con, parts, batch, pseudonymiser, progress)


def _with_optional(table: pa.Table, optional: tuple[str, ...]) -> pa.Table:
    for column in optional:
        if column not in table.column_names:
            table = table.append_column(column, pa.nulls(table.num_rows, pa.string()))
    return table


def _map(stage, mapping: Mapping, file: str, table: pa.Table, pseudonymiser: Pseudonymiser) -> Part:
    source = _with_optional(table, mapping.optional)
    stage.register("_src", source)
    select = [f"{sql} AS {name}" for name, sql in mapping.select.items()]
    key = f", CAST({mapping.id_key} AS VARCHAR) AS _key" if mapping.id_column else ""
    rows = stage.sql(f"SELECT {', '.join(select)}, _row{key} FROM _src WHERE {mapping.where}").to_arrow_table()
    stage.unregister("_src")
    if mapping.id_column:
        rows = _hashed(rows, "_key", mapping.id_column, f"synthea-{mapping.table}", pseudonymiser)
    if "_encounter" in rows.column_names:
        rows = _hashed(rows, "_encounter", "visit_occurrence_id", "synthea-visit_occurrence", pseudonymiser)
    labels = {name: _label(sql, table.column_names) for name, sql in mapping.select.items()}
    return Part(mapping.table, file, rows, source_columns={k: v for k, v in labels.items() if v},
                text_person_ids=True)


def _observation_periods(stage, file: str, encounters: pa.Table, pseudonymiser: Pseudonymiser) -> Part:
    """One observation period per patient, from the first encounter's start to the last one's end."""
    stage.register("_src", _with_optional(encounters, ("stop",)))
    rows = stage.sql(
        f"""SELECT patient AS person_id,
                   CAST(min(TRY_CAST(start AS TIMESTAMP)) AS DATE) AS observation_period_start_date,
                   CAST(max(TRY_CAST(coalesce(stop, start) AS TIMESTAMP)) AS DATE) AS observation_period_end_date,
                   {PERIOD_OF_ENCOUNTERS} AS period_type_concept_id, min(_row) AS _row, patient AS _key
            FROM _src WHERE patient IS NOT NULL GROUP BY patient"""
    ).to_arrow_table()
    stage.unregister("_src")
    rows = _hashed(rows, "_key", "observation_period_id", "synthea-observation_period", pseudonymiser)
    labels = {"person_id": "PATIENT", "observation_period_start_date": "START", "observation_period_end_date": "STOP"}
    return Part("observation_period", file, rows, source_columns=labels, text_person_ids=True)


def _hashed(rows: pa.Table, key: str, target: str, namespace: str, pseudonymiser: Pseudonymiser) -> pa.Table:
    """Replace the text ``key`` column by ``target``: keyed, stable 63-bit ids (null stays null)."""
    ids = pa.array([None if k is None else pseudonymiser.pseudonym(namespace, k) for k in rows[key].to_pylist()],
                   pa.int64())
    rows = rows.drop_columns([key])
    return rows.set_column(rows.column_names.index(target), target, ids) if target in rows.column_names \
        else rows.append_column(target, ids)


def _label(sql: str, columns: list[str]) -> str | None:
    """The Synthea column a CDM value comes from, for messages (upper case, as Synthea writes it)."""
    return next((w.upper() for w in _WORD.findall(sql.lower()) if w in columns), None)
