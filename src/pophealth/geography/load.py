"""Writing the reference geography into the warehouse, with provenance, in one transaction."""

from __future__ import annotations

import hashlib
from importlib import resources

import duckdb

from pophealth.geography import reference as ref
from pophealth.warehouse import transaction

TABLES = {
    "geo_area": (ref.areas, "llr_areas.csv", "ONS codes; NHS England ODS codes"),
    "geo_lsoa21": (ref.lsoa21, "llr_lsoa21_imd2025.csv + llr_lsoa21_census2021_age5.csv",
                   "MHCLG English Indices of Deprivation 2025; ONS Census 2021 TS007A"),
    "geo_lsoa11": (ref.lsoa11, "llr_lsoa11_imd2019.csv", "MHCLG English Indices of Deprivation 2019"),
    "geo_practice": (ref.practices, "llr_gp_practices_2022-01.csv",
                     "NHS Digital, Patients registered at a GP practice, January 2022"),
}


def load_geography(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Replace the geography tables from the shipped files; idempotent and all-or-nothing."""
    counts: dict[str, int] = {}
    with transaction(con):
        for table, (reader, files, source) in TABLES.items():
            frame = reader()
            con.execute(f"DELETE FROM {table}")
            con.register("_frame", frame)
            cols = ", ".join(frame.columns)
            con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _frame")
            con.unregister("_frame")
            counts[table] = len(frame)
            con.execute(
                "INSERT OR REPLACE INTO dataset_provenance VALUES (?, ?, ?, ?, ?, ?, ?, now())",
                [table, source, ref.LICENCE, ref.ATTRIBUTION, files, len(frame), _checksum(files)],
            )
    return counts


def _checksum(files: str) -> str:
    digest = hashlib.sha256()
    for name in files.split(" + "):
        digest.update(resources.files("pophealth.geography").joinpath("data", name).read_bytes())
    return digest.hexdigest()[:16]
