"""``pophealth risks ...`` and ``pophealth resources ...`` in a real process: the log, the finance return, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SRC = str(Path(__file__).parents[2] / "src")


def run(db, *args: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "COLUMNS": "200",
           "PYTHONPATH": os.pathsep.join([SRC, os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "pophealth.cli", *args, "--db", str(db)], capture_output=True,
                          text=True, env=env)


def test_risks_from_the_command_line_set_and_release_the_risk_rag(tmp_path):
    db = tmp_path / "w.duckdb"
    assert run(db, "delivery", "load", "--create").returncode == 0
    added = run(db, "risks", "add", "Funding gap", "--owner", "CFO", "--likelihood", "4", "--impact", "5",
                "--action", "L2.1", "--by", "Dr A Lead")
    assert added.returncode == 0 and "score 20 (Extreme, Red)" in added.stdout
    [risk] = json.loads(run(db, "risks", "list", "--json").stdout)
    assert (risk["action_ref"], risk["score"], risk["rag"], risk["version"]) == ("L2.1", 20, "Red", 1)
    stale = run(db, "risks", "edit", str(risk["risk_id"]), "--version", "2", "--impact", "1", "--by", "x")
    assert stale.returncode == 5 and "Traceback" not in stale.stderr
    assert run(db, "risks", "close", str(risk["risk_id"]), "--version", "1", "--by", "x").returncode == 0
    assert json.loads(run(db, "risks", "list", "--json", "--status", "open").stdout) == []
    assert run(db, "risks", "add", "x", "--owner", "y", "--likelihood", "6", "--impact", "1", "--action", "L2.1",
               "--by", "x").returncode == 2
    assert run(db, "risks", "add", "x", "--owner", "y", "--likelihood", "1", "--impact", "1", "--action", "NOPE",
               "--by", "x").returncode == 4


def test_the_finance_return_loads_once_and_names_bad_cells(tmp_path):
    db = tmp_path / "w.duckdb"
    assert run(db, "delivery", "load", "--create").returncode == 0
    before = run(db, "resources", "list")
    assert "no data yet" in before.stdout and "pophealth resources import FILE" in before.stdout
    good = tmp_path / "finance.csv"
    good.write_text("org_code,period_start,period_end,category,amount_gbp,prevention,source\n"
                    "QK1,2024-04-01,2025-03-31,Acute,1800000,N,Ledger\n"
                    "QK1,2024-04-01,2025-03-31,Public health grant,200000,Y,Ledger\n", encoding="utf-8")
    assert run(db, "resources", "import", str(good)).returncode == 0
    assert run(db, "resources", "import", str(good)).returncode == 0
    shares = json.loads(run(db, "resources", "list", "--json").stdout)["prevention_spend_share"]
    assert [(s["org_code"], s["value"]) for s in shares] == [("QK1", 0.1)]
    bad = tmp_path / "bad.csv"
    bad.write_text(good.read_text(encoding="utf-8").replace(",200000,Y,", ",2e5x,Y,"), encoding="utf-8")
    out = run(db, "resources", "import", str(bad))
    assert out.returncode == 3 and "bad.csv, row 3, column 'amount_gbp'" in out.stderr
    added = run(db, "resources", "add", "125000", "--source", "Public health grant", "--year", "2024/25",
                "--action", "L2.1", "--prevention", "--by", "x")
    assert added.returncode == 0 and "£125,000.00" in added.stdout


def test_a_resource_is_changed_and_removed_from_the_command_line_with_the_version_check(tmp_path):
    db = tmp_path / "w.duckdb"
    assert run(db, "delivery", "load", "--create").returncode == 0
    assert run(db, "resources", "add", "1000", "--source", "ICB", "--year", "2024/25", "--action", "L2.1",
               "--by", "x").returncode == 0
    [r] = json.loads(run(db, "resources", "list", "--json").stdout)["resources"]
    rid = str(r["resource_id"])
    edited = run(db, "resources", "edit", rid, "--version", "1", "--amount", "2,500.50", "--by", "Dr A Lead")
    assert edited.returncode == 0 and "version 2: £2,500.50 in 2024/25" in edited.stdout
    stale = run(db, "resources", "edit", rid, "--version", "1", "--amount", "1", "--by", "y")
    assert stale.returncode == 5 and "someone else changed it first" in stale.stderr and "Traceback" not in stale.stderr
    bad = run(db, "resources", "edit", rid, "--version", "2", "--year", "2024/26", "--by", "y")
    assert bad.returncode == 3 and "2024/25" in bad.stderr
    assert run(db, "resources", "remove", rid, "--version", "2", "--by", "y").returncode == 0
    assert json.loads(run(db, "resources", "list", "--json").stdout)["resources"] == []
