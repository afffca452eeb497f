"""Tiny inline OMOP tables on DuckDB and (spark marker) PySpark, reusing the engine fixture of tests/omop."""

from __future__ import annotations

from tests.omop.conftest import build_cdm, engine  # noqa: F401  (shared with the OMOP spec tests)

