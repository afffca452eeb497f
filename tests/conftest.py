"""Shared fixtures: a fresh warehouse per test, the shared folder and the reference folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from pophealth.config import reference_dir, shared_dir


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    """Path of a warehouse that does not exist yet."""
    return tmp_path / "warehouse.duckdb"


@pytest.fixture(scope="session")
def shared() -> Path:
    path = shared_dir()
    assert path.is_dir(), f"shared folder not found at {path.resolve()} (set POPHEALTH_SHARED)"
    return path


@pytest.fixture(scope="session")
def reference() -> Path:
    path = reference_dir()
    assert path.is_dir(), f"reference folder not found at {path.resolve()} (set POPHEALTH_REFERENCE)"
    return path
