"""``pophealth load omop DIR``: an OMOP CDM v5.4 export (CSV, TSV or Parquet) into the warehouse.

Files are matched to CDM tables by name, case-insensitively, as OHDSI tools write them:
``PERSON.csv``, ``person.csv``, ``person.parquet`` or a ``person/`` folder of Parquet parts.
Vocabulary and other non-clinical files (``CONCEPT.csv``, ``CDM_SOURCE.csv`` ...) are listed as
skipped. ``person_id`` is replaced by a keyed pseudonym and ``person_source_value`` is dropped;
an optional ``nhs_number`` column in the person file is checked (modulus 11) and, when given, is
the identity the pseudonym is made from, so the same patient links across sources.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from pophealth.sources.identities import IDENTITY_COLUMNS, IdentitySink, identities_from_person
from pophealth.errors import InputError, NotFoundError, Problem
from pophealth.sources.cdm_checks import Part
from pophealth.sources.cdm_schema import CDM_TABLES
from pophealth.sources.cdm_write import NHS_NUMBER, Batch, LoadSummary, Progress, load_parts
from pophealth.sources.pseudonymise import Pseudonymiser
from pophealth.sources.tabular import PARQUET_SUFFIXES, TEXT_SUFFIXES, checksum, read_table

NAMESPACE = "omop"
_DROPPED = ("person_source_value",)  # raw identifiers that must not reach the warehouse


def find_files(folder: Path) -> tuple[dict[str, Path], list[str]]:
    """CDM table -> file in ``folder``, and the names of files that are not CDM clinical tables."""
    if not folder.is_dir():
        raise NotFoundError(f"No folder at {folder}")
    found: dict[str, Path] = {}
    skipped: list[str] = []
    problems: list[Problem] = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        is_parquet_dir = entry.is_dir() and any(entry.glob("*.parquet"))
        if not (is_parquet_dir or entry.suffix.lower() in TEXT_SUFFIXES + PARQUET_SUFFIXES):
            skipped.append(entry.name)
            continue
        table = (entry.name if entry.is_dir() else entry.stem).lower()
        if table not in CDM_TABLES:
            skipped.append(entry.name)
        elif table in found:
            problems.append(Problem(entry.name, f"a second file for table {table} (first: {found[table].name})"))
        else:
            found[table] = entry
    if problems:
        raise InputError(problems)
    if not found:
        raise InputError(Problem(str(folder), "no OMOP CDM table files found",),
                         hint=f"expected files named after CDM tables, e.g. PERSON.csv; tables: {', '.join(CDM_TABLES)}")
    return found, skipped


def load_omop(con: duckdb.DuckDBPyConnection, folder: str | os.PathLike[str], pseudonymiser: Pseudonymiser,
              progress: Progress | None = None, identities: IdentitySink | None = None) -> LoadSummary:
    """Load every CDM table file in ``folder`` in one transaction; raise InputError on any problem.

    Identifiers in the person file never reach the warehouse; after the load they are handed to
    ``identities`` (the command line gives the care identity store's writer), or dropped without one."""
    folder = Path(folder)
    files, skipped = find_files(folder)
    parts = []
    found: list[dict] = []
    for table, path in files.items():
        if progress:
            progress(f"reading {path.name}")
        data = read_table(path)
        if table == "person":
            found = identities_from_person(data, pseudonymiser)  # to the identity sink, not the warehouse
            data = data.drop_columns([c for c in data.column_names if c.lower() in _DROPPED + IDENTITY_COLUMNS])
        parts.append(Part(table, path.name, data,
                          extra_columns=frozenset({NHS_NUMBER}) if table == "person" else frozenset()))
    layouts = {"parquet" if p.is_dir() or p.suffix.lower() in PARQUET_SUFFIXES else "csv" for p in files.values()}
    batch = Batch(source="omop", layout="+".join(sorted(layouts)), folder=str(folder.resolve()),
                  files=sorted(p.name for p in files.values()), checksum=checksum(files.values(), folder),
                  namespace=NAMESPACE, skipped=skipped)
    summary = load_parts(con, parts, batch, pseudonymiser, progress)
    if identities is not None and found:
        identities(found, files["person"].name)
    return summary
