"""Fixtures for importer tests: a pseudonymisation key, fixture folders, and store snapshots."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pophealth.sources.cdm_schema import CDM_TABLES
from pophealth.sources.pseudonymise import KEY_ENV, KEY_FILE_ENV, Pseudonymiser

FIXTURES = Path(__file__).parent / "fixtures"
TEST_KEY = "test-key-0123456789abcdef0123456789"


@pytest.fixture
def key(monkeypatch) -> Pseudonymiser:
    monkeypatch.setenv(KEY_ENV, TEST_KEY)
    monkeypatch.delenv(KEY_FILE_ENV, raising=False)
    return Pseudonymiser(TEST_KEY.encode())


@pytest.fixture
def omop_dir(tmp_path: Path) -> Path:
    """A writable copy of the OHDSI-style OMOP CSV fixture."""
    return Path(shutil.copytree(FIXTURES / "omop_csv", tmp_path / "omop_csv"))


def snapshot(con) -> dict[str, list[tuple]]:
    """Every row of every CDM and link table, sorted, to compare the store before and after."""
    tables = [*CDM_TABLES, "location_lsoa", "care_site_practice", "import_batch"]
    return {t: sorted(con.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in tables}
