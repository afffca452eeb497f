"""``pophealth users ...`` in a real process: passwords never as arguments, every change in the history."""

from __future__ import annotations

import json
import subprocess
import sys

PASSWORD = "a long enough password"


def run(db, *args: str, stdin: str | None = None, env_password: str | None = None) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "COLUMNS": "200"}
    if env_password:
        env["POPHEALTH_NEW_PASSWORD"] = env_password
    return subprocess.run([sys.executable, "-m", "pophealth.cli", "users", *args, "--db", str(db)],
                          input=stdin, capture_output=True, text=True, env=env)


def test_the_account_lifecycle_from_the_command_line(tmp_path):
    db = tmp_path / "w.duckdb"
    subprocess.run([sys.executable, "-m", "pophealth.cli", "init", "--db", str(db)], capture_output=True, check=True)
    assert run(db, "add", "jo@nhs.net", "--role", "care_team", "--practice", "C82001", "--name", "Jo Bloggs",
               env_password=PASSWORD).returncode == 0
    assert run(db, "add", "ann", "--role", "analyst", "--password-stdin", stdin=PASSWORD + "\n").returncode == 0
    assert run(db, "add", "sso@nhs.net", "--role", "analyst", "--sso-only").returncode == 0  # never asks for one
    assert run(db, "disable", "jo@nhs.net").returncode == 0
    assert run(db, "enable", "jo@nhs.net").returncode == 0
    assert run(db, "unlock", "ann").returncode == 0
    assert run(db, "password", "ann", "--password-stdin", stdin="another long password\n").returncode == 0
    assert run(db, "role", "ann", "--role", "care_team", "--pcn", "U30213").returncode == 0
    bad = run(db, "role", "ann", "--role", "care_team")
    assert bad.returncode == 2 and "practice or a PCN" in bad.stderr and "Traceback" not in bad.stderr
    assert run(db, "disable", "nobody").returncode == 4
    accounts = {a["username"]: a for a in json.loads(run(db, "list", "--json").stdout)}
    assert accounts["ann"]["role"] == "care_team" and accounts["ann"]["pcn_code"] == "U30213"
    assert accounts["jo@nhs.net"]["disabled"] is False
    changes = json.loads(run(db, "history", "ann", "--json").stdout)
    assert [c["change"] for c in changes] == ["role set to care_team (PCN U30213)", "password reset", "unlocked",
                                             "created as analyst"]
    assert all(c["changed_by"].startswith("command line (") for c in changes)
    assert PASSWORD not in run(db, "history", "--json").stdout
    assert json.loads(run(db, "history", "sso@nhs.net", "--json").stdout)[0]["change"] == (
        "created as analyst (single sign-on only)")
