"""Shared fixtures: a fresh warehouse per test, the shared folder and the reference folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from pophealth.config import reference_dir, shared_dir

# No per-example deadline: the suite runs two workers beside Spark and a browser, so wall-clock limits
# would fail for load, not for a bug. In CI the examples are derived from the test (reproducible runs).
settings.register_profile("pophealth", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True)
settings.load_profile("ci" if os.environ.get("CI") else "pophealth")

# The synthetic care warehouse is used by the web, CLI and care tests: registered once here so that
# each test process builds it once (imported into several conftests it would be built once per import).
pytest_plugins = ["tests.care_support", "tests.engine_gaps"]


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


@pytest.fixture(scope="session")
def browser():
    """One headless chromium for the whole test session."""
    from playwright.sync_api import sync_playwright

    from tests.browser_support import CHROMIUM, CHROMIUM_ARGS

    assert Path(CHROMIUM).exists(), "Debian chromium is missing (make test installs it)"
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    pg = context.new_page()
    yield pg
    context.close()

