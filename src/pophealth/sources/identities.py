"""Identifiers in a loaded OMOP person file: ``nhs_number`` (and optionally ``given_name``, ``family_name``,
``address``) are taken out of the person rows before they reach the warehouse.

The person id is the pseudonym the loader makes from the NHS number (``pophealth.sources.cdm_write``: a valid
NHS number is the identity the pseudonym is made from), so the identity store and the warehouse agree
without the warehouse holding the number. Where the identities go is not the loader's business: it hands
them to the sink its caller gives (the command line gives the care identity store's writer,
``pophealth.care.identity_load``), so the sources layer never reaches up into the care engine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pyarrow as pa

from pophealth.sources.nhs_number import is_valid, normalise
from pophealth.sources.pseudonymise import Pseudonymiser

IDENTITY_COLUMNS = ("given_name", "family_name", "address")  # dropped from the person file before loading
IdentitySink = Callable[[list[dict], str], object]
"""``sink(rows, origin)``: keep the identities read from the file named ``origin`` (outside the warehouse)."""


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

