"""Versions of the data results are computed from, so a result is tied to the data it was computed on.

Why: after ``pophealth synth`` replaced the population, the previous PHM run stayed current and care views
showed results of people who no longer existed, or of someone else who now had their id. Now:

- ``population_content_id`` is a content id of the patient-level (OMOP CDM) tables: the person rows
  themselves (a hash over every column of every row) and the row count and an order-free hash of the
  person ids of each clinical table. It is cheap (tens of milliseconds for 100,000 people), so it is
  computed afresh whenever currency matters instead of trusting that every writer remembered to record.
- ``record_population`` adds a ``data_version`` row (synth, load, or a PHM run finding an unrecorded change);
- a PHM run stores the version and content id it used (``phm_run.population_version``,
  ``population_content_id``), and ``run_currency`` says whether the run still describes the population.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import duckdb

POPULATION = "population"
# the clinical tables a PHM run reads, besides ``person`` (whose rows are hashed whole)
EVENT_TABLES = ("observation_period", "visit_occurrence", "condition_occurrence", "drug_exposure", "measurement",
                "observation", "procedure_occurrence", "death", "location_lsoa", "care_site_practice")


def population_content_id(con: duckdb.DuckDBPyConnection) -> tuple[str, int]:
    """(content id, people) of the patient-level tables as they are now.

    Hashing every clinical row would cost about a second at a million people, and currency is checked often,
    so the clinical tables are taken by row count and person ids, and what they hold by the files loaded into
    them: the sequence of ``pophealth load`` checksums (a repeated load of the same files counts once). A
    corrected extract with the same people and row counts is a new population; an edit made outside
    pophealth's loaders that keeps both is not seen."""
    person = con.execute("SELECT count(*), coalesce(bit_xor(hash(p)), 0) FROM person p").fetchone()
    parts = [f"person:{person[0]}:{person[1]}"]
    for table in EVENT_TABLES:
        key = "location_id" if table == "location_lsoa" else "care_site_id" if table == "care_site_practice" \
            else "person_id"
        n, h = con.execute(f"SELECT count(*), coalesce(bit_xor(hash({key})), 0) FROM {table}").fetchone()
        parts.append(f"{table}:{n}:{h}")
    loads = _loaded_files(con)
    if loads:  # no loads (a synthetic population): the id is as it always was
        parts.append("loads:" + ",".join(loads))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16], int(person[0])


def _loaded_files(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The checksums of the patient-level loads in order, a load repeating the one before it counted once."""
    try:
        sums = [r[0] for r in con.execute("SELECT checksum FROM import_batch ORDER BY batch_id").fetchall()]
    except duckdb.CatalogException:
        return []
    return [c for i, c in enumerate(sums) if i == 0 or c != sums[i - 1]]


@dataclass(frozen=True)
class Version:
    version_id: int
    content_id: str
    source: str
    people: int


def latest_population(con: duckdb.DuckDBPyConnection) -> Version | None:
    row = con.execute("""SELECT version_id, content_id, source, people FROM data_version WHERE dataset = ?
                         ORDER BY version_id DESC LIMIT 1""", [POPULATION]).fetchone()
    return Version(*row) if row else None


def record_population(con: duckdb.DuckDBPyConnection, source: str) -> Version:
    """Record the population as it is now (call inside the writer's transaction, after writing).

    A population identical to the latest recorded one is not recorded again: its version stands."""
    content, people = population_content_id(con)
    latest = latest_population(con)
    if latest is not None and latest.content_id == content:
        return latest
    version_id = con.execute("SELECT coalesce(max(version_id), 0) + 1 FROM data_version").fetchone()[0]
    con.execute("INSERT INTO data_version VALUES (?, ?, ?, ?, ?, now())",
                [version_id, POPULATION, content, source, people])
    return Version(version_id, content, source, people)


@dataclass(frozen=True)
class Currency:
    """Whether a run's results describe the population now in the warehouse, and if not why."""

    current: bool
    reason: str | None
    run_version: int | None
    population_version: int | None

    def as_dict(self) -> dict:
        return {"current": self.current, "reason": self.reason, "population_version": self.run_version,
                "current_population_version": self.population_version}


def run_currency(con: duckdb.DuckDBPyConnection, run_id: str, content: str | None = None) -> Currency:
    """Whether PHM run ``run_id`` was computed on the population now in the warehouse.

    ``content`` is the population's content id when the caller already knows it (the web app remembers it
    between writes: ``pophealth.cache``), else it is computed."""
    row = con.execute("SELECT population_version, population_content_id FROM phm_run WHERE run_id = ?",
                      [run_id]).fetchone()
    run_version, run_content = row if row else (None, None)
    content = content or population_content_id(con)[0]
    latest = latest_population(con)
    now_version = latest.version_id if latest and latest.content_id == content else None
    if run_content is None:
        return Currency(False, f"PHM run {run_id} was stored before data versions were recorded, so the population "
                               "it describes is unknown: run `pophealth phm run` again", run_version, now_version)
    if run_content != content:
        what = (f"population version {now_version} ({latest.source})" if now_version is not None
                else "a population changed since it was recorded")
        return Currency(False, f"out of date: PHM run {run_id} was computed on population version {run_version}; "
                               f"the warehouse now holds {what}. Run `pophealth phm run` again",
                        run_version, now_version)
    return Currency(True, None, run_version, now_version)


def record_use(con: duckdb.DuckDBPyConnection, product: str, product_id: str) -> Version:
    """Record that ``product`` (a risk run, a board pack, a published site) was computed from the population
    as it is now; returns that population's version."""
    version = record_population(con, product)
    con.execute("INSERT INTO result_data_version VALUES (?, ?, ?, ?, ?, now())",
                [product, product_id, POPULATION, version.version_id, version.content_id])
    return version


def product_current(con: duckdb.DuckDBPyConnection, product: str, product_id: str,
                    content: str | None = None) -> bool:
    """Whether ``product_id`` was computed from the population now in the warehouse (False if unrecorded)."""
    row = con.execute("""SELECT content_id FROM result_data_version WHERE product = ? AND product_id = ?
                         ORDER BY recorded_at DESC LIMIT 1""", [product, product_id]).fetchone()
    return row is not None and row[0] == (content or population_content_id(con)[0])


def versions_of(con: duckdb.DuckDBPyConnection) -> dict:
    """The data versions a product built now would describe (written beside board packs and sites): the
    patient-level population, and every other load its figures come from (``loads``)."""
    content, people = population_content_id(con)
    latest = latest_population(con)
    return {"population": {"version": latest.version_id if latest and latest.content_id == content else None,
                           "content_id": content, "people": people},
            "loads": loads_of(con)}


# what else a board pack or a site is built from: (name, query of its latest state); a table a warehouse
# does not have yet (an older schema) is left out
_LOADS = (
    ("reference_and_public_datasets", """SELECT dataset, source_file, rows, checksum, strftime(loaded_at, '%Y-%m-%dT%H:%M:%S')
                                         FROM dataset_provenance ORDER BY dataset"""),
    ("published_statistics", """SELECT load_id, count(*), max(period_end)::VARCHAR,
                                       strftime(max(loaded_at), '%Y-%m-%dT%H:%M:%S'),
                                       sha256(string_agg(sha256, ',' ORDER BY source_file))
                                FROM nhse_load_history GROUP BY load_id ORDER BY load_id DESC LIMIT 1"""),
    ("fingertips_snapshots", """SELECT count(*), max(snapshot_date)::VARCHAR, strftime(max(loaded_at), '%Y-%m-%dT%H:%M:%S')
                                FROM fingertips_snapshot"""),
    ("delivery_updates", """SELECT count(*), strftime(max(recorded_at), '%Y-%m-%dT%H:%M:%S') FROM delivery_update"""),
)
_LOAD_FIELDS = {
    "reference_and_public_datasets": ("dataset", "source_file", "rows", "checksum", "loaded_at"),
    "published_statistics": ("latest_load_id", "files", "latest_period_end", "loaded_at", "files_sha256"),
    "fingertips_snapshots": ("files", "latest_snapshot_date", "latest_loaded_at"),
    "delivery_updates": ("updates", "latest_recorded_at"),
}


def loads_of(con: duckdb.DuckDBPyConnection) -> dict:
    """The latest state of each non-patient load: public datasets with their checksums, the latest load of
    published statistics (its files' checksums hashed together), Fingertips snapshots and tracker updates."""
    out: dict = {}
    for name, sql in _LOADS:
        try:
            rows = con.execute(sql).fetchall()
        except duckdb.CatalogException:
            continue
        records = [dict(zip(_LOAD_FIELDS[name], row)) for row in rows]
        out[name] = records if name == "reference_and_public_datasets" else (records[0] if records else None)
    return out
