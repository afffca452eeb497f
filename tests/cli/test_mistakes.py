"""The command line refuses probable mistakes with a plain message, a non-zero exit, and creates nothing.

Cases from issue 18: a mistyped ``--db`` for a command that only reads, an output folder that does
not exist, an unknown ``--by``, ``stats`` pooling several areas without saying so; and optional
``spc batch`` columns may be absent.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from pophealth.cli import main
from tests.spc.reference_cases import spc_dir

SRC = str(Path(__file__).resolve().parents[2] / "src")


def _exit(args: list[str]) -> int:
    try:
        main(args)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


READERS = [
    ["phm", "summary"], ["measures", "list"], ["delivery", "rollup"], ["delivery", "overdue"], ["users", "list"],
    ["spc", "rebase", "list"], ["phm", "risk", "report"], ["synth", "--report"], ["serve"],
]


@pytest.mark.parametrize("command", READERS, ids=" ".join)
def test_a_missing_warehouse_is_refused_and_not_created(command, tmp_path, capsys):
    db = tmp_path / "does-not-exist.duckdb"
    assert _exit([*command, "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "does not exist" in err and str(db) in err.replace("\n", "")
    assert list(tmp_path.iterdir()) == []


def test_writers_refuse_a_missing_warehouse_unless_told_to_create_it(tmp_path, capsys):
    good = tmp_path / "return.csv"
    good.write_text("measure_id,org_code,period_start,period_end,numerator,denominator,value,source\n"
                    "workforce-staff-in-post,QK1,2024-06-01,2024-06-30,,,29850,ESR month end\n")
    db = tmp_path / "w.duckdb"
    assert _exit(["measures", "import", str(good), "--db", str(db)]) == 2 and not db.exists()
    assert _exit(["measures", "import", str(good), "--db", str(db), "--create"]) == 0 and db.is_file()


def test_board_pack_and_microsite_refuse_a_missing_warehouse(tmp_path, capsys):
    db = tmp_path / "typo.duckdb"
    assert _exit(["report", "board", "--out", str(tmp_path / "pack"), "--db", str(db)]) == 2
    assert _exit(["publish", "--out", str(tmp_path / "site"), "--db", str(db)]) == 2
    assert list(tmp_path.iterdir()) == []


def _areas_csv(path: Path) -> Path:
    path.write_text("area_code,area_name,numerator,denominator\n"
                    "E06000016,Leicester,40,100\nE10000018,Leicestershire,30,100\nE06000017,Rutland,5,50\n")
    return path


def test_an_output_folder_that_does_not_exist_is_refused_not_created(tmp_path, capsys):
    source = _areas_csv(tmp_path / "in.csv")
    missing = tmp_path / "no-such-folder" / "out.csv"
    code = _exit(["stats", "proportion", "-i", str(source), "-o", str(missing), "--group-by", "area_code"])
    assert code == 2 and "does not exist" in capsys.readouterr().err
    assert not missing.parent.exists()
    cases = spc_dir() / "cases.csv"
    code = _exit(["spc", "batch", "--cases", str(cases), "--points", str(spc_dir() / "points.csv"),
                  "--out-cases", str(missing), "--out-points", str(tmp_path / "p.csv")])
    assert code == 2 and not missing.parent.exists() and not (tmp_path / "p.csv").exists()


def test_pooling_several_areas_is_refused_naming_the_area_columns(tmp_path, capsys):
    source = _areas_csv(tmp_path / "in.csv")
    out = tmp_path / "out.csv"
    assert _exit(["stats", "proportion", "-i", str(source), "-o", str(out)]) == 3
    err = capsys.readouterr().err.replace("\n", " ")
    assert "column 'area_code'" in err and "column 'area_name'" in err and "--group-by" in err
    assert not out.exists()
    assert _exit(["stats", "proportion", "-i", str(source), "-o", str(out), "--group-by", "area_code"]) == 0
    by_area = pd.read_csv(out)
    assert list(by_area["area_code"]) == ["E06000016", "E10000018", "E06000017"]
    assert by_area["value"].tolist() == pytest.approx([0.40, 0.30, 0.10])
    assert _exit(["stats", "proportion", "-i", str(source), "-o", str(out), "--pool"]) == 0
    pooled = pd.read_csv(out)
    assert len(pooled) == 1 and pooled["value"].iloc[0] == pytest.approx(75 / 250)


def test_a_single_area_file_needs_no_group_by(tmp_path):
    source = tmp_path / "one.csv"
    source.write_text("area_code,numerator,denominator\nE06000016,40,100\nE06000016,10,100\n")
    assert _exit(["stats", "proportion", "-i", str(source), "-o", str(tmp_path / "o.csv")]) == 0


def test_an_unknown_rollup_grouping_is_refused(tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    assert _exit(["init", "--db", str(db)]) == 0
    capsys.readouterr()
    assert _exit(["delivery", "rollup", "--by", "colour", "--db", str(db)]) == 2
    assert "colour" in capsys.readouterr().err


def test_rollup_by_pledge_lists_all_thirteen_pledges(tmp_path, capsys):
    db = tmp_path / "w.duckdb"
    assert _exit(["init", "--db", str(db)]) == 0
    assert _exit(["delivery", "load", "--db", str(db)]) == 0
    capsys.readouterr()
    assert _exit(["delivery", "rollup", "--by", "pledge", "--json", "--db", str(db)]) == 0
    groups = json.loads(capsys.readouterr().out)
    assert [g["key"] for g in groups] == [str(n) for n in range(1, 14)]
    assert all(g["rated"] + g["not_rated"] == g["actions"] for g in groups)


def test_spc_batch_accepts_cases_without_the_optional_columns(tmp_path):
    with (spc_dir() / "cases.csv").open(newline="") as fh:
        rows = [r for r in csv.DictReader(fh)
                if not (r["rebase_dates"] or r["fix_after_n_points"]) and r["screen_outliers"] in ("", "TRUE")]
    assert rows, "reference cases with default options"
    slim = tmp_path / "cases.csv"
    with slim.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, ["case_id", "improvement_direction", "target"], extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    points = pd.read_csv(spc_dir() / "points.csv", dtype=str, keep_default_na=False)
    points[points["case_id"].isin([r["case_id"] for r in rows])][["case_id", "date", "value"]].to_csv(
        tmp_path / "points.csv", index=False)
    out_c, out_p = tmp_path / "c.csv", tmp_path / "p.csv"
    assert _exit(["spc", "batch", "--cases", str(slim), "--points", str(tmp_path / "points.csv"),
                  "--out-cases", str(out_c), "--out-points", str(out_p)]) == 0
    got = {r["case_id"]: r for r in csv.DictReader(out_c.open(newline=""))}
    for case in rows:  # the same answers as the reference, which states them with the columns present
        for col in ("last_point_type", "variation_icon", "assurance_type", "assurance_icon"):
            assert got[case["case_id"]][col] == case[f"expected_{col}"], (case["case_id"], col)


def test_the_message_is_plain_without_a_traceback(tmp_path):
    env = {**os.environ, "PYTHONPATH": SRC}
    done = subprocess.run([sys.executable, "-m", "pophealth.cli", "phm", "summary", "--db",
                           str(tmp_path / "does-not-exist.duckdb")], capture_output=True, text=True, env=env)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("Error: the warehouse") and not (tmp_path / "does-not-exist.duckdb").exists()


@pytest.mark.parametrize("args", [["settings", "--json"], ["routes", "--json"]])
def test_a_setting_out_of_range_is_a_plain_error_with_or_without_a_warehouse(args, tmp_path):
    """The settings are read before a command is handed to a running server; a bad one was a traceback there
    (no ``--db``) and a plain message only when ``--db`` was given."""
    env = {**os.environ, "PYTHONPATH": SRC, "POPHEALTH_DISCLOSURE_ROUND": "0", "POPHEALTH_DB": str(tmp_path / "w.duckdb")}
    done = subprocess.run([sys.executable, "-m", "pophealth.cli", *args], capture_output=True, text=True, env=env)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith("Error: ") and "POPHEALTH_DISCLOSURE_ROUND" in done.stderr
