"""The audit chain survives concurrent readers: the attack was two care-team users reading at once, which
made two rows point at the same previous hash (a fork), after which the admin page reported tampering."""

from __future__ import annotations

import os
import threading
import time

from typer.testing import CliRunner

from pophealth.access.audit import chain_length, first_break, verify_chain
from pophealth.access.audit_store import copy_audit
from pophealth.cli import app as cli
from pophealth.web.app import create_app
from tests.audit_support import stored, tamper
from tests.auth_support import signed_in_client

# Four users for a few seconds in the normal run; set POPHEALTH_AUDIT_SOAK_SECONDS=60 for the minute-long soak.
SOAK_SECONDS = float(os.environ.get("POPHEALTH_AUDIT_SOAK_SECONDS", "4"))


def test_four_care_team_users_reading_at_once_leave_the_chain_intact(care_warehouse, tmp_path):
    import shutil

    db = tmp_path / "care.duckdb"
    shutil.copy(care_warehouse, db)
    copy_audit(care_warehouse, db)  # the copy starts with the audit the warehouse already has
    app = create_app(db, strategy_dir="tests/fixtures/strategy_min")
    con = app.state.con.cursor()
    practice, pcn = con.execute("SELECT practice_code, pcn_code FROM person_geography GROUP BY ALL "
                                "ORDER BY count(*) DESC LIMIT 1").fetchone()
    before = chain_length(con)
    con.close()
    clients = [signed_in_client(app, "care_team", f"soak_{i}", **({"practice_code": practice} if i % 2 else
                                                                 {"pcn_code": pcn})) for i in range(4)]
    paths = ["/api/care/people/999999999", "/api/care", "/care/people/1", "/api/care/worklists/frailty"]
    stop = time.monotonic() + SOAK_SECONDS
    start = threading.Barrier(len(clients))
    failures: list[str] = []

    def read(client) -> None:
        start.wait()
        n = 0
        while time.monotonic() < stop:
            r = client.get(paths[n % len(paths)])
            if r.status_code not in (200, 404):
                failures.append(f"{paths[n % len(paths)]}: {r.status_code}")
            n += 1

    threads = [threading.Thread(target=read, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not failures
    con = app.state.con.cursor()
    try:
        written = chain_length(con) - before
        assert written >= 8, "the readers must actually have been audited at the same time"
        assert first_break(con) is None
        assert verify_chain(con)
    finally:
        con.close()
        app.state.con.close()
    result = CliRunner().invoke(cli, ["audit", "verify", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert f"{before + written:,} rows checked" in result.output


def test_audit_verify_names_the_first_bad_row_and_exits_non_zero(db_file):
    from pophealth.access.audit import record_access
    from pophealth.access.roles import User
    from pophealth.warehouse import connect

    con = connect(db_file)
    user = User("eve", "Eve", "care_team", practice_code="C82001")
    for pid in (11, 12, 13, 14):
        record_access(con, user, method="GET", route="/care/people/{id}", person_id=pid, scope=user.scope)
    seq_of_13 = stored(db_file, "SELECT seq FROM audit_log WHERE person_id = 13")[0][0]
    tamper(db_file, "UPDATE audit_log SET detail = 'hidden' WHERE person_id = 13")
    con.close()
    result = CliRunner().invoke(cli, ["audit", "verify", "--db", str(db_file)])
    assert result.exit_code == 1
    assert f"audit row {seq_of_13}" in result.output and "edited" in result.output

    con = connect(db_file)
    tamper(db_file, "UPDATE audit_log SET detail = NULL WHERE person_id = 13")
    seq_of_12 = stored(db_file, "SELECT seq FROM audit_log WHERE person_id = 12")[0][0]
    tamper(db_file, "DELETE FROM audit_log WHERE person_id = 12")
    con.close()
    result = CliRunner().invoke(cli, ["audit", "verify", "--db", str(db_file)])
    assert result.exit_code == 1 and f"audit row {seq_of_13}" in result.output and "does not follow" in result.output
    assert seq_of_12 < seq_of_13


def test_concurrent_appends_on_separate_cursors_do_not_fork(db_file):
    """The same race without the web app: eight threads, each on its own cursor, appending at once."""
    from pophealth.access.audit import record_access
    from pophealth.access.roles import User
    from pophealth.warehouse import connect

    con = connect(db_file)
    go = threading.Barrier(8)

    def append(i: int) -> None:
        cur = con.cursor()
        user = User(f"u{i}", "U", "care_team", practice_code="C82001")
        go.wait()
        for pid in range(25):
            record_access(cur, user, method="GET", route="/care/people/{id}", person_id=pid, scope=user.scope)
        cur.close()

    threads = [threading.Thread(target=append, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert chain_length(con) == 200
    assert first_break(con) is None
    con.close()
