"""A small synthetic warehouse for the care-team tests (built once per test session)."""

from __future__ import annotations

import pytest

CARE_PEOPLE, CARE_SEED = 2_500, 3


@pytest.fixture(scope="session")
def care_warehouse(tmp_path_factory):
    """Path of a warehouse holding 2,500 synthetic people (seed 3)."""
    from pophealth.synth.generate import generate

    path = tmp_path_factory.mktemp("care") / "care.duckdb"
    generate(path, CARE_PEOPLE, CARE_SEED)
    return path
