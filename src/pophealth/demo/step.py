"""One step of the demo build: a name, a fingerprint that says when to redo it, and what it runs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb
from rich.console import Console


@dataclass(frozen=True)
class DemoStep:
    name: str
    fingerprint: str  # change it (e.g. bump a version) to force a rebuild of this step
    run: Callable[[duckdb.DuckDBPyConnection, Console], None]
