"""Versioned schema migrations, recorded in ``_migrations``; applying twice changes nothing.

Migrations are files in ``warehouse/migrations`` named ``NNNN_description.sql``. Number ranges
keep parts of the product apart: 0001-0099 core and strategy, 0100 geography, 0200 indicators (0200-0249 stats, 0250-0299 indicator data),
0300 SPC (0300-0349), measures (0350-0399), 0400 OMOP CDM, 0500 PHM, 0600 delivery, 0700 access and audit.
A migration that has been applied is never edited: its checksum is recorded and checked.

A migration that needs work SQL cannot do names a Python step in ``BEFORE``, run first in the migration's own
transaction (so a failing step leaves the warehouse as it was): 0891 drops the DuckDB audit table once its rows
are in the audit store beside the warehouse.
"""

from __future__ import annotations

import hashlib
import importlib
import re
from dataclasses import dataclass
from importlib import resources

import duckdb

from pophealth.errors import ConfigError

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
BEFORE = {891: "pophealth.access.audit_move:move_to_store"}  # version -> "module:function(con)", imported when due


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def available_migrations() -> list[Migration]:
    """Every migration shipped in the package, in version order."""
    found: list[Migration] = []
    for entry in resources.files("pophealth.warehouse.migrations").iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), match.group(2), entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(versions) != len(set(versions)):
        raise ConfigError(f"Two migrations share a version number: {versions}")
    return found


def applied_migrations(con: duckdb.DuckDBPyConnection) -> dict[int, str]:
    """Version → checksum of the migrations this warehouse has had."""
    _ensure_table(con)
    return dict(con.execute("SELECT version, checksum FROM _migrations").fetchall())


def apply_migrations(con: duckdb.DuckDBPyConnection) -> list[Migration]:
    """Apply every migration not yet applied, each in its own transaction; return those applied."""
    done = applied_migrations(con)
    applied: list[Migration] = []
    for migration in available_migrations():
        if migration.version in done:
            if done[migration.version] != migration.checksum:
                raise ConfigError(
                    f"Migration {migration.version:04d}_{migration.name} has changed since it was applied",
                    hint="add a new migration instead of editing an applied one",
                )
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            if migration.version in BEFORE:
                module, function = BEFORE[migration.version].split(":")
                getattr(importlib.import_module(module), function)(con)
            con.execute(migration.sql)
            con.execute(
                "INSERT INTO _migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, now())",
                [migration.version, migration.name, migration.checksum],
            )
        except Exception:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")
        applied.append(migration)
    return applied


def _ensure_table(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """CREATE TABLE IF NOT EXISTS _migrations (
               version INTEGER PRIMARY KEY,
               name VARCHAR NOT NULL,
               checksum VARCHAR NOT NULL,
               applied_at TIMESTAMP NOT NULL)"""
    )
