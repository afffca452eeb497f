"""``pophealth insights``: import with clear errors and exit codes, the seed records, the gap map."""

from __future__ import annotations

import json
import subprocess
import sys

from typer.testing import CliRunner

from pophealth.cli import app
from pophealth.errors import InputError

runner = CliRunner()


def _init(db_file) -> None:
    assert runner.invoke(app, ["init", "--db", str(db_file)]).exit_code == 0


def test_import_then_list_and_gaps(tmp_path, db_file):
    _init(db_file)
    csv = tmp_path / "insight.csv"
    csv.write_text("id,source,date,method,people,group,place,themes,summary,priorities\n"
                   "r1,Survey,2024,Survey,30,plus:learning-disabilities,Rutland,access,Hard to book,"
                   "rutland:rutland-equitable-access\n", encoding="utf-8")
    result = runner.invoke(app, ["insights", "import", str(csv), "--db", str(db_file)])
    assert result.exit_code == 0 and "1 created" in result.output
    listed = json.loads(runner.invoke(app, ["insights", "list", "--json", "--db", str(db_file)]).stdout)
    assert [(r["id"], r["people"]) for r in listed] == [("r1", 30)]
    gaps = {r["ref"]: r for r in json.loads(
        runner.invoke(app, ["insights", "gaps", "--json", "--db", str(db_file)]).stdout)}
    assert gaps["rutland:rutland-equitable-access"]["gaps"] == []
    assert gaps["rutland:rutland-covid-19-recovery"]["gaps"] == ["No insight recorded"]


def test_a_bad_file_exits_3_naming_file_row_column_and_the_unknown_priority(tmp_path, db_file):
    _init(db_file)
    csv = tmp_path / "bad.csv"
    csv.write_text("id,source,date,method,people,group,place,themes,summary,priorities\n"
                   "r1,Survey,2024,Survey,30,,Rutland,access,Hard to book,rutland:nowhere\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "pophealth.cli", "insights", "import", str(csv), "--db",
                           str(db_file)], capture_output=True, text=True)
    assert proc.returncode == InputError.exit_code == 3
    assert "bad.csv" in proc.stderr and "row 2" in proc.stderr and "'priorities'" in proc.stderr
    assert "rutland:nowhere" in proc.stderr and "Traceback" not in proc.stderr


def test_load_seeds_twice(db_file):
    _init(db_file)
    first = runner.invoke(app, ["insights", "load-seeds", "--db", str(db_file)])
    again = runner.invoke(app, ["insights", "load-seeds", "--db", str(db_file)])
    assert first.exit_code == again.exit_code == 0
    assert "0 created, 0 updated" in again.output
