"""Identities from a loaded person file: when an OMOP person file carries ``nhs_number`` (and optionally
``given_name``, ``family_name``, ``address``), they go to the identity store, never to the warehouse.

The person id is the pseudonym the loader made from the NHS number (``pophealth.sources.cdm_write``:
a valid NHS number is the identity the pseudonym is made from), so the store and the warehouse agree
without the warehouse holding the number.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pyarrow as pa

from pophealth.care.identity_store import replace_identities, store_path, warehouse_file
from pophealth.sources.nhs_number import is_valid, normalise
from pophealth.sources.pseudonymise import Pseudonymiser

IDENTITY_COLUMNS = ("given_name", "family_name", "address")  # dropped from the person file before loading


def _text(value: object) -> str | None:
    return None if value is None or str(value).strip() == "" else str(value).strip()


def _birth(row: dict) -> str | None:
    try:
        return dt.date(int(row["year_of_birth"]), int(row.get("month_of_birth") or 1),
                       int(row.get("day_of_birth") or 1)).isoformat()
    except (KeyError, TypeError, ValueError):
        return None


def identities_from_person(person: pa.Table, pseudonymiser: Pseudonymiser) -> list[dict]:
    """One identity per person row with a valid NHS number (invalid ones are the loader's to reject)."""
    lower = {c.lower(): c for c in person.column_names}  # OHDSI tools write upper-case headers
    if "nhs_number" not in lower:
        return []
    rows = []
    for raw in person.to_pylist():
        row = {k.lower(): v for k, v in raw.items()}
        nhs = _text(row.get("nhs_number"))
        if nhs is None or not is_valid(nhs):
            continue
        nhs = normalise(nhs)
        rows.append({"person_id": pseudonymiser.pseudonym("nhs", nhs), "nhs_number": nhs,
                     "given_name": _text(row.get("given_name")), "family_name": _text(row.get("family_name")),
                     "address": _text(row.get("address")), "birth_date": _birth(row), "practice_code": None})
    return rows


def write_loaded_identities(con: duckdb.DuckDBPyConnection, rows: list[dict], *, source: str, origin: str) -> int:
    """Replace this source's identities in the store beside the warehouse (none for an in-memory one)."""
    warehouse = warehouse_file(con)
    if warehouse is None or not rows:
        return 0
    return replace_identities(store_path(warehouse), rows, source=source, origin=origin)
