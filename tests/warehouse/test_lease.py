"""The serving lease: found while its server lives, cleared once its process has gone."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

from pophealth.warehouse.lease import Lease, lease_path, live_lease, remove_lease, write_lease


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_lease_is_private_and_names_its_server(tmp_path):
    db = tmp_path / "w.duckdb"
    path = write_lease(Lease(pid=123, socket="/nowhere", url="http://127.0.0.1:1", db=str(db)))
    assert path == lease_path(db) == tmp_path / "w.duckdb.serve"
    assert path.stat().st_mode & 0o777 == 0o600
    assert json.loads(path.read_text())["pid"] == 123


def test_a_lease_whose_process_has_gone_is_stale_and_removed(tmp_path):
    db = tmp_path / "w.duckdb"
    write_lease(Lease(pid=_dead_pid(), socket=str(tmp_path / "s"), url="http://127.0.0.1:1", db=str(db)))
    assert live_lease(db) is None
    assert not lease_path(db).exists()


def test_a_live_process_with_a_listening_socket_holds_the_lease(tmp_path):
    db, sock_path = tmp_path / "w.duckdb", tmp_path / "s"
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as listening:
            listening.bind(str(sock_path))
            listening.listen(1)
            write_lease(Lease(pid=holder.pid, socket=str(sock_path), url="http://127.0.0.1:1", db=str(db)))
            assert live_lease(db) == Lease(pid=holder.pid, socket=str(sock_path), url="http://127.0.0.1:1", db=str(db))
        assert live_lease(db) is None  # the socket no longer answers (a reused pid): stale
    finally:
        holder.kill()
        holder.wait()


def test_a_server_removes_only_its_own_lease(tmp_path):
    db = tmp_path / "w.duckdb"
    write_lease(Lease(pid=42, socket="/nowhere", url="http://127.0.0.1:1", db=str(db)))
    remove_lease(db, pid=43)
    assert lease_path(db).exists()
    remove_lease(db, pid=42)
    assert not lease_path(db).exists()
