"""``pophealth serve``: a real server process that answers, and stops cleanly on Ctrl+C."""

from __future__ import annotations

import gc
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest
from fastapi.testclient import TestClient

from pophealth.access.users import add_user
from pophealth.warehouse import connect
from pophealth.web.app import create_app
from pophealth.web.server import settle_heap
from tests.auth_support import PASSWORD


def test_settle_heap_freezes_what_start_up_loaded():
    try:
        settle_heap()
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
    assert gc.get_freeze_count() == 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_serve_answers_then_stops_cleanly_and_releases_the_warehouse(tmp_path, stop):
    """Ctrl+C, and SIGTERM as a service manager sends it: both close the warehouse and take the lease away
    (SIGTERM used to end the process at once, leaving the lease, the control socket and the log behind)."""
    db, port = tmp_path / "w.duckdb", _free_port()
    con = connect(db)
    add_user(con, "ana", PASSWORD, "analyst")
    con.close()
    proc = subprocess.Popen([sys.executable, "-m", "pophealth.cli", "serve", "--db", str(db), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                assert httpx.get(f"http://127.0.0.1:{port}/pledges", timeout=2).status_code == 200
                break
            except httpx.HTTPError:
                assert proc.poll() is None and time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:  # a write: the session
            token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
            client.post("/login", data={"username": "ana", "password": PASSWORD, "csrf_token": token})
            assert client.get("/api/delivery").status_code == 200
        assert db.with_name("w.duckdb.wal").exists() and db.with_name("w.duckdb.serve").exists()
        control = json.loads(db.with_name("w.duckdb.serve").read_text())["socket"]
        proc.send_signal(stop)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "leaked" not in err and "Traceback" not in err
    assert f"http://127.0.0.1:{port}/" in out
    assert not db.with_name("w.duckdb.wal").exists()  # closed, not abandoned: the log was checkpointed
    assert not db.with_name("w.duckdb.serve").exists() and not os.path.exists(control)  # the lease is gone
    connect(db).close()  # and the lock released: another process can open the warehouse


@pytest.mark.parametrize("threads", [None, 3])
def test_the_web_server_runs_blocking_work_on_the_set_number_of_threads(tmp_path, threads):
    """``POPHEALTH_WEB_THREADS`` (default 4 per core, docs/deployment.md) bounds the running app's worker threads."""
    import anyio.to_thread

    from pophealth.settings import Settings

    app = create_app(tmp_path / "w.duckdb", settings=Settings(web_threads=threads))
    try:
        with TestClient(app) as client:
            limit = client.portal.call(lambda: anyio.to_thread.current_default_thread_limiter().total_tokens)
    finally:
        app.state.con.close()
    assert limit == (threads or 4 * os.cpu_count())


def test_a_port_in_use_is_a_plain_error_and_nothing_is_held(tmp_path):
    db = tmp_path / "w.duckdb"
    connect(db).close()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "pophealth.cli", "serve", "--db", str(db), "--port", str(port)],
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr and "--port" in done.stderr
    assert not db.with_name("w.duckdb.serve").exists()
