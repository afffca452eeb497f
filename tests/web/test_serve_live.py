"""Serving and working at once: with ``pophealth serve`` holding a warehouse, the command line's
commands on the same warehouse run (through the server), pages show what they loaded at once, and a
second ``serve`` answers the same pages (issue #14, "A live system")."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pandas as pd
import pytest

from pophealth.warehouse import connect
from pophealth.warehouse.lease import lease_path
from tests.sources.test_nhse_ae_workbook import EXTRACT, WORKBOOKS, shared_dir

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("serve-live")]

PASSWORD = "a long enough password"
APRIL_2023 = next((w for w in WORKBOOKS if w.name.startswith("April-2023")), None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cli(*argv: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pophealth.cli", *argv], input=stdin, capture_output=True,
                          text=True, timeout=300, cwd=cwd, env={**os.environ, "COLUMNS": "100"})


def _start_server(db: Path, port: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "pophealth.cli", "serve", "--db", str(db), "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 90
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/pledges", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            out, err = proc.communicate()
            raise AssertionError(f"the server did not start: {out}\n{err}")
        time.sleep(0.2)


def _stop(proc: subprocess.Popen) -> tuple[int, str, str]:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    return proc.returncode, out, err


@contextlib.contextmanager
def _sign_in(base: str, username: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base) as client:
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
        answer = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
        assert answer.status_code == 303 and answer.headers["location"] == "/", answer.text[:500]
        yield client


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A small warehouse (geography, 300 synthetic people) served by a real ``pophealth serve``, and a
    copy of it (``twin``) that commands open directly, for comparing their output."""
    from pophealth.geography.load import load_geography
    from pophealth.synth.generate import generate

    folder = tmp_path_factory.mktemp("live")
    db = folder / "w.duckdb"
    con = connect(db)
    load_geography(con)
    con.close()
    generate(db, 300, 7)
    shutil.copy(db, folder / "twin.duckdb")
    port = _free_port()
    proc = _start_server(db, port)
    yield {"db": db, "twin": folder / "twin.duckdb", "folder": folder, "base": f"http://127.0.0.1:{port}",
           "proc": proc}
    code, _out, err = _stop(proc)
    assert code == 0 and "Traceback" not in err, err
    assert not lease_path(db).exists()  # a clean stop takes its lease away


def test_the_server_leaves_a_private_lease_naming_itself(served):
    lease = lease_path(served["db"])
    assert lease.stat().st_mode & 0o777 == 0o600
    text = lease.read_text()
    assert str(served["proc"].pid) in text and served["base"] in text
    folder = Path(re.search(r'"socket": "([^"]+)"', text).group(1)).parent
    assert folder.stat().st_mode & 0o777 == 0o700


def test_users_add_while_serving_and_the_new_account_signs_in_at_once(served):
    forwarded = _cli("users", "add", "carol", "--role", "analyst", "--password-stdin", "--db", str(served["db"]),
                     stdin=PASSWORD + "\n")
    direct = _cli("users", "add", "carol", "--role", "analyst", "--password-stdin", "--db", str(served["twin"]),
                  stdin=PASSWORD + "\n")
    assert forwarded.returncode == direct.returncode == 0, forwarded.stderr
    assert forwarded.stdout == direct.stdout and "carol" in forwarded.stdout
    with _sign_in(served["base"], "carol") as client:
        assert client.get("/api/delivery").status_code == 200


def test_an_nhse_import_while_serving_shows_on_the_measure_page_at_once(served):
    if APRIL_2023 is None:
        pytest.skip("the April 2023 A&E workbook is not in ../shared/data/published")
    page = f"{served['base']}/api/measures/ae-four-hour"
    before = httpx.get(page, timeout=10).json()
    assert before["period"] != "2023-04"
    forwarded = _cli("report", "import-nhse", str(APRIL_2023), "--db", str(served["db"]))
    after = httpx.get(page, timeout=10).json()  # at once: no wait, no restart
    direct = _cli("report", "import-nhse", str(APRIL_2023), "--db", str(served["twin"]))
    assert forwarded.returncode == direct.returncode == 0, forwarded.stderr
    assert forwarded.stdout == direct.stdout and "observations" in forwarded.stdout
    published = pd.read_csv(shared_dir() / "data" / "public" / EXTRACT)
    rwe = published[(published["level"] == "provider") & (published["org_code"] == "RWE")
                     & (published["period"] == "2023-04-01")]
    assert after["period"] == "2023-04"
    assert after["measure"]["latest_text"] == f"{100 * rwe['pct_within_4h_all'].iloc[0]:.1f}%"


def test_a_newly_loaded_page_is_fresh_within_ten_seconds(served):
    """The done-when figure itself: from a forwarded load's exit to a page showing it."""
    if APRIL_2023 is None:
        pytest.skip("no A&E workbook")
    workbook = next((w for w in WORKBOOKS if w.name.startswith("April-2022")), None)
    if workbook is None:
        pytest.skip("the April 2022 A&E workbook is not in ../shared/data/published")
    page = f"{served['base']}/api/measures/ae-four-hour"
    assert "2022-04" not in httpx.get(page, timeout=10).text  # asked (and remembered) before the load
    result = _cli("report", "import-nhse", str(workbook), "--db", str(served["db"]))
    assert result.returncode == 0, result.stderr
    loaded = time.monotonic()
    while "2022-04" not in httpx.get(page, timeout=10).text:
        assert time.monotonic() - loaded < 10, "the page did not show the new month within 10 s"
        time.sleep(0.2)


def test_phm_run_while_serving_and_pages_keep_answering(served):
    run = subprocess.Popen([sys.executable, "-m", "pophealth.cli", "phm", "run", "--db", str(served["db"])],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    slowest = 0.0
    while run.poll() is None:
        started = time.monotonic()
        assert httpx.get(f"{served['base']}/pledges", timeout=30).status_code == 200
        slowest = max(slowest, time.monotonic() - started)
        time.sleep(0.2)
    out, err = run.communicate()
    assert run.returncode == 0, err
    assert re.search(r"PHM run \S+ stored", out)
    assert slowest < 5, f"a page took {slowest:.1f} s while the run went on"


def _with_measure_data(served) -> None:
    """A board pack needs a measure with data: this test loads it itself (a repeated load changes nothing), so it
    does not lean on another test having run first in the same server."""
    if APRIL_2023 is None:
        pytest.skip("the April 2023 A&E workbook is not in ../shared/data/published")
    loaded = _cli("report", "import-nhse", str(APRIL_2023), "--db", str(served["db"]))
    assert loaded.returncode == 0, loaded.stderr


def test_report_board_and_publish_while_serving(served):
    _with_measure_data(served)
    pack, site = served["folder"] / "pack", served["folder"] / "site"
    board = _cli("report", "board", "--out", str(pack), "--no-pdf", "--db", str(served["db"]))
    assert board.returncode == 0, board.stderr
    assert "Board pack for" in board.stdout and any(pack.glob("board-pack-*.html"))
    published = _cli("publish", "--out", str(site), "--db", str(served["db"]))
    assert published.returncode == 0, published.stderr
    assert re.search(r"Published \d+ pages", published.stdout) and (site / "index.html").is_file()


def test_relative_paths_mean_the_callers_folder(served):
    _with_measure_data(served)
    result = _cli("report", "board", "--out", "pack-here", "--no-pdf", "--db", "w.duckdb", cwd=served["folder"])
    assert result.returncode == 0, result.stderr
    assert any((served["folder"] / "pack-here").glob("board-pack-*.html"))


def test_a_forwarded_command_that_fails_says_and_exits_as_a_direct_one(served):
    bad = served["folder"] / "bad.csv"
    bad.write_text("measure_id,org_code,period_start,period_end,numerator,denominator,value,source\n"
                   "workforce-staff-in-post,QK1,2024-08-01,2024-08-31,,,-5,negative\n")
    forwarded = _cli("measures", "import", str(bad), "--db", str(served["db"]))
    direct = _cli("measures", "import", str(bad), "--db", str(served["twin"]))
    assert forwarded.returncode == direct.returncode == 3
    assert forwarded.stderr == direct.stderr and "bad.csv, row 2" in forwarded.stderr
    usage = _cli("users", "add", "dan", "--db", str(served["db"]))  # a usage error: Typer's own message
    assert usage.returncode == 2 and "Missing option '--role'" in usage.stderr


def test_a_second_serve_answers_the_same_pages(served):
    port = _free_port()
    second = _start_server(served["db"], port)
    try:
        base = f"http://127.0.0.1:{port}"
        for path in ("/api/measures/ae-four-hour", "/api/pledges"):
            assert httpx.get(base + path, timeout=10).json() == httpx.get(served["base"] + path, timeout=10).json()
        _cli("users", "add", "erin", "--role", "analyst", "--password-stdin", "--db", str(served["db"]),
             stdin=PASSWORD + "\n")
        with _sign_in(base, "erin") as client:  # a write (the session) through the second server
            assert client.get("/api/delivery").status_code == 200
    finally:
        code, out, err = _stop(second)
    assert code == 0 and "Traceback" not in err, err
    assert f"running at http://127.0.0.1:{port}/" in out and "forwarding" in out
    assert lease_path(served["db"]).exists()  # the first server's lease is untouched


def test_a_command_whose_server_died_opens_the_warehouse_directly(tmp_path):
    db = tmp_path / "w.duckdb"
    connect(db).close()
    server = _start_server(db, _free_port())
    server.kill()  # no clean exit: the lease stays behind
    server.communicate()
    assert lease_path(db).exists()
    result = _cli("users", "add", "fay", "--role", "analyst", "--password-stdin", "--db", str(db),
                  stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert "fay" in result.stdout
    assert not lease_path(db).exists()  # the stale lease was cleared


def test_a_second_serve_takes_the_warehouse_over_when_the_first_stops(tmp_path):
    """Two ``serve`` processes: when the one holding the warehouse stops, the other takes it over on its own
    address, keeps answering, holds the lease and runs commands; a server started next forwards to it."""
    from pophealth.warehouse.lease import live_lease

    db = tmp_path / "w.duckdb"
    connect(db).close()
    first = _start_server(db, _free_port())
    front_port = _free_port()
    front = _start_server(db, front_port)
    third = None
    try:
        assert live_lease(db).pid == first.pid
        assert _stop(first)[0] == 0
        deadline, status = time.monotonic() + 30, None
        while time.monotonic() < deadline:
            try:  # a new connection each time: during the takeover it waits in the queue, never refused
                status = httpx.get(f"http://127.0.0.1:{front_port}/pledges", timeout=20).status_code
            except httpx.ConnectError as refused:
                pytest.fail(f"the standby's address refused a connection during the takeover: {refused}")
            except httpx.HTTPError:  # a response cut off as the front end stopped
                status = None
            lease = live_lease(db)
            if status == 200 and lease is not None and lease.pid == front.pid:
                break
            assert status in (None, 200, 502), status  # 502 only until it holds the warehouse
            time.sleep(0.2)
        assert status == 200 and live_lease(db).pid == front.pid
        result = _cli("users", "add", "gus", "--role", "analyst", "--password-stdin", "--db", str(db),
                      stdin=PASSWORD + "\n")
        assert result.returncode == 0, result.stderr
        with _sign_in(f"http://127.0.0.1:{front_port}", "gus") as client:
            assert client.get("/api/delivery").status_code == 200
        third_port = _free_port()
        third = _start_server(db, third_port)
        assert live_lease(db).pid == front.pid  # the new one forwards; it does not take the warehouse
        assert httpx.get(f"http://127.0.0.1:{third_port}/api/pledges", timeout=10).json() == \
            httpx.get(f"http://127.0.0.1:{front_port}/api/pledges", timeout=10).json()
    finally:
        if third is not None:
            code, out, err = _stop(third)
            assert "forwarding" in out and "Traceback" not in err, err
        code, out, err = _stop(front)
        _stop(first)
    assert code == 0 and "Traceback" not in err, err
    said = " ".join(out.split())  # the console wraps long lines
    assert "forwarding to the server already holding" in said and "now holding" in said
    assert not lease_path(db).exists()
