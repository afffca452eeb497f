"""Which warehouse a command names, and which commands are never handed to a server."""

from __future__ import annotations

from pathlib import Path

from pophealth.cli.forward import forward_if_served, warehouse_named
from pophealth.warehouse.lease import Lease, write_lease


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
    for argv in (["serve"], ["demo"], ["routes"], ["users", "add", "--help"], ["--help"]):
        assert forward_if_served([*argv, "--db", str(tmp_path / "w.duckdb")]) is None
