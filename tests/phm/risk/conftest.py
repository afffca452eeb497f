"""One small synthetic population (5,000 people) with the risk models trained on it, shared by the tests."""

from __future__ import annotations

import datetime as dt
import shutil

import ibis
import pytest

from pophealth.omop import Cdm
from pophealth.warehouse import connect
from tests.synth.conftest import build

PEOPLE, SEED = 5_000, 11
CUTOFF = dt.date(2025, 3, 31)


@pytest.fixture(scope="session")
def synth_db(tmp_path_factory):
    """A pristine population; copy it before changing anything."""
    return build(tmp_path_factory.mktemp("phmrisk") / "synth.duckdb", PEOPLE, SEED)


@pytest.fixture(scope="session")
def trained(synth_db, tmp_path_factory):
    """A warehouse with both risk runs stored, and the run result."""
    from pophealth.phm.risk import run_risk

    path = tmp_path_factory.mktemp("phmrisk_trained") / "trained.duckdb"
    shutil.copy(synth_db, path)
    con = connect(path)
    result = run_risk(con, CUTOFF, seed=3, reps=30)
    con.close()
    return path, result


def cdm_of(con) -> Cdm:
    return Cdm(ibis.duckdb.from_connection(con))
