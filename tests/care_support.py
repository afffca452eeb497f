"""Small synthetic warehouses for the care-team tests (built once per test session).

``care_records``: 2,500 synthetic people (seed 3) on the LLR geography, with no PHM or risk run.
``care_warehouse``: a copy with the PHM engine run and both risk models trained, as the care views
expect in use (the risk pipeline takes a few seconds at this size).
"""

from __future__ import annotations

import shutil

import pytest

CARE_PEOPLE, CARE_SEED = 2_500, 3


@pytest.fixture(scope="session")
def care_records(tmp_path_factory):
    """Path of a pristine warehouse of records only; copy it before changing anything."""
    from tests.synth.conftest import build

    return build(tmp_path_factory.mktemp("care_records") / "records.duckdb", CARE_PEOPLE, CARE_SEED)


@pytest.fixture(scope="session")
def care_warehouse(care_records, tmp_path_factory):
    """Path of a warehouse with the latest PHM run and risk runs stored."""
    from pophealth.access.audit_store import copy_audit
    from pophealth.care.identity_store import store_path
    from pophealth.phm.risk import DEFAULT_CUTOFF, run_risk
    from pophealth.phm.run import run_phm
    from pophealth.warehouse import connect

    path = tmp_path_factory.mktemp("care") / "care.duckdb"
    shutil.copy(care_records, path)
    shutil.copy(store_path(care_records), store_path(path))  # the identity store travels beside it
    copy_audit(care_records, path)  # and the audit store, when the records have one
    con = connect(path)
    try:
        run_phm(con=con)
        run_risk(con, DEFAULT_CUTOFF, seed=CARE_SEED, reps=0)
    finally:
        con.close()
    return path
