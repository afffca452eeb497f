"""Which warehouse a command names, and which commands are never handed to a server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pophealth.cli.forward import forward_if_served, warehouse_named
from pophealth.errors import ConfigError
from pophealth.warehouse.lease import Lease, lease_path, write_lease


def test_the_warehouse_is_the_db_option_then_the_environment_then_the_default(monkeypatch):
    monkeypatch.delenv("POPHEALTH_DB", raising=False)
    assert warehouse_named(["users", "list"]) == Path("data/pophealth.duckdb")
    monkeypatch.setenv("POPHEALTH_DB", "/env/w.duckdb")
    assert warehouse_named(["users", "list"]) == Path("/env/w.duckdb")
    assert warehouse_named(["users", "list", "--db", "a.duckdb"]) == Path("a.duckdb")
    assert warehouse_named(["users", "list", "--db=b.duckdb"]) == Path("b.duckdb")
    assert warehouse_named(["users", "list", "--", "--db", "c.duckdb"]) == Path("/env/w.duckdb")


def test_without_a_live_server_commands_run_here(tmp_path):
    db = tmp_path / "w.duckdb"
    assert forward_if_served(["users", "list", "--db", str(db)]) is None
    write_lease(Lease(pid=2 ** 22 + 12345, socket=str(tmp_path / "gone"), url="http://127.0.0.1:1", db=str(db)))
    assert forward_if_served(["users", "list", "--db", str(db)]) is None  # a stale lease


def test_serve_demo_routes_and_help_are_never_forwarded(tmp_path, monkeypatch):
    import pophealth.warehouse.lease as lease

    def held(_db):
        raise AssertionError("looked for a server")

    monkeypatch.setattr(lease, "live_lease", held)
    for argv in (["serve"], ["demo", "--help"], ["routes"], ["users", "add", "--help"], ["--help"]):
        assert forward_if_served([*argv, "--db", str(tmp_path / "w.duckdb")]) is None


def test_a_demo_that_would_serve_a_served_warehouse_is_refused_plainly(tmp_path, monkeypatch):
    """Not DuckDB's lock error: which server holds it, and how to build the demo into it instead."""
    import pophealth.warehouse.lease as lease

    db = tmp_path / "w.duckdb"
    held = Lease(pid=4242, socket=str(tmp_path / "s"), url="http://127.0.0.1:8123", db=str(db))
    monkeypatch.setattr(lease, "live_lease", lambda _db: held)
    with pytest.raises(ConfigError) as refused:
        forward_if_served(["demo", "--db", str(db), "--port", "9000"])
    assert "http://127.0.0.1:8123" in refused.value.message and "--no-serve" in refused.value.hint


def test_a_link_to_the_warehouse_finds_its_lease(tmp_path):
    db = tmp_path / "w.duckdb"
    db.touch()
    link = tmp_path / "link.duckdb"
    link.symlink_to(db)
    write_lease(Lease(pid=os.getpid(), socket=str(tmp_path / "s"), url="http://127.0.0.1:1", db=str(db)))
    assert lease_path(link) == lease_path(db)
