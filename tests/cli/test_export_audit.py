"""Patient-level rows leaving through the command line are audited like a web download."""

from __future__ import annotations

import csv
import getpass
import shutil

import pandas as pd
import pytest
from typer.testing import CliRunner

from pophealth.access.audit import audit_rows, verify_chain
from pophealth.cli import app
from pophealth.warehouse import connect


@pytest.fixture
def db(care_warehouse, tmp_path):
    path = tmp_path / "export.duckdb"
    shutil.copy(care_warehouse, path)
    return path


def exports(db) -> list[dict]:
    con = connect(db)
    try:
        assert verify_chain(con)
        return [r for r in reversed(audit_rows(con)) if r["method"] == "EXPORT"]
    finally:
        con.close()


def busiest(db, table: str, column: str) -> str:
    con = connect(db)
    try:
        return con.execute(f"SELECT {column} FROM {table} GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1").fetchone()[0]
    finally:
        con.close()


def test_phm_worklist_export_writes_an_audit_row(db, tmp_path):
    practice = busiest(db, "phm_person", "practice_code")
    out = tmp_path / "worklist.csv"
    result = CliRunner().invoke(app, ["phm", "worklist", "--practice", practice, "--out", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    rows = len(pd.read_csv(out))
    assert rows > 0
    [row] = exports(db)
    assert (row["username"], row["role"], row["method"], row["route"], row["scope"], row["person_id"]) == (
        getpass.getuser(), "cli", "EXPORT", "phm worklist", f"practice:{practice}", None)
    assert row["detail"] == f"file worklist.csv; {rows} rows"


def test_eol_worklist_export_writes_an_audit_row(db, tmp_path):
    pcn = busiest(db, "phm_eol_current", "pcn_code")
    out = tmp_path / "eol.csv"
    result = CliRunner().invoke(app, ["phm", "eol-worklist", "--pcn", pcn, "--out", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as fh:
        rows = len(list(csv.reader(fh))) - 1
    assert rows > 0
    [row] = exports(db)
    assert (row["username"], row["role"], row["route"], row["scope"]) == (getpass.getuser(), "cli", "phm eol-worklist",
                                                                         f"pcn:{pcn}")
    assert row["detail"] == f"file eol.csv; {rows} rows"


def test_a_refused_export_writes_no_file_and_no_audit_row(db, tmp_path):
    out = tmp_path / "nobody.csv"
    result = CliRunner().invoke(app, ["phm", "worklist", "--practice", "NOPRACTICE", "--out", str(out), "--db", str(db)])
    assert result.exit_code != 0
    assert not out.exists() and exports(db) == []


def test_an_export_the_log_cannot_record_leaves_no_file(db, tmp_path, monkeypatch):
    from pophealth.cli import export_audit

    def broken(*args, **kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(export_audit, "record_access", broken)
    practice = busiest(db, "phm_person", "practice_code")
    out = tmp_path / "unlogged.csv"
    result = CliRunner().invoke(app, ["phm", "worklist", "--practice", practice, "--out", str(out), "--db", str(db)])
    assert result.exit_code != 0 and not out.exists()
