"""Every reference case through ``pophealth spc batch``: every output column, every case and point."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from pophealth.cli import main
from tests.spc.reference_cases import cases, points_by_case, same_float, spc_dir

POINT_TEXT_COLUMNS = ("special_cause_flag", "special_cause_type", "point_type")
CASE_COLUMNS = ("last_point_type", "variation_icon", "assurance_type", "assurance_icon")


@pytest.fixture(scope="module")
def batch_output(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict], list[dict]]:
    out = tmp_path_factory.mktemp("spc_batch")
    main(["spc", "batch", "--cases", str(spc_dir() / "cases.csv"), "--points", str(spc_dir() / "points.csv"),
          "--out-cases", str(out / "C.csv"), "--out-points", str(out / "P.csv")])
    with (out / "C.csv").open(newline="") as c, (out / "P.csv").open(newline="") as p:
        return list(csv.DictReader(c)), list(csv.DictReader(p))


@pytest.mark.reference
def test_batch_writes_the_promised_columns(batch_output) -> None:
    got_cases, got_points = batch_output
    assert list(got_cases[0]) == ["case_id", *CASE_COLUMNS]
    assert list(got_points[0]) == ["case_id", "date", "mean", "lpl", "upl", *POINT_TEXT_COLUMNS]


@pytest.mark.reference
def test_batch_matches_every_case(batch_output) -> None:
    got = {row["case_id"]: row for row in batch_output[0]}
    expected = cases()
    assert sorted(got) == sorted(c["case_id"] for c in expected)
    for case in expected:
        for col in CASE_COLUMNS:
            assert got[case["case_id"]][col] == case[f"expected_{col}"], (case["case_id"], col)


@pytest.mark.reference
def test_batch_matches_every_point(batch_output) -> None:
    got_points = batch_output[1]
    expected = [row for rows in points_by_case().values() for row in rows]
    key = lambda r: (r["case_id"], r["date"])  # noqa: E731
    got = {key(r): r for r in got_points}
    assert len(got) == len(got_points) == len(expected)
    for exp in expected:
        row = got[key(exp)]
        for col in ("mean", "lpl", "upl"):
            assert same_float(float(row[col]), exp[col]), (key(exp), col, row[col], exp[col])
        for col in POINT_TEXT_COLUMNS:
            assert row[col] == exp[col], (key(exp), col)


@pytest.mark.reference
def test_batch_rows_are_in_date_order_within_each_case(batch_output) -> None:
    by_case: dict[str, list[str]] = {}
    for row in batch_output[1]:
        by_case.setdefault(row["case_id"], []).append(row["date"])
    assert all(dates == sorted(dates) for dates in by_case.values())


def test_batch_rejects_a_bad_value_naming_file_row_and_column(tmp_path: Path, capsys) -> None:
    (tmp_path / "c.csv").write_text(
        "case_id,improvement_direction,target,rebase_dates,fix_after_n_points,screen_outliers\n"
        "A,increase,,,,TRUE\n")
    (tmp_path / "p.csv").write_text("case_id,date,value\nA,2024-01-01,1\nA,2024-01-02,lots\n")
    with pytest.raises(SystemExit) as exc:
        main(["spc", "batch", "--cases", str(tmp_path / "c.csv"), "--points", str(tmp_path / "p.csv"),
              "--out-cases", str(tmp_path / "C.csv"), "--out-points", str(tmp_path / "P.csv")])
    assert exc.value.code == 3
    err = capsys.readouterr().err
    assert "p.csv" in err and "row 3" in err and "'value'" in err
    assert not (tmp_path / "C.csv").exists() and not (tmp_path / "P.csv").exists()


def test_batch_rejects_bad_case_options(tmp_path: Path, capsys) -> None:
    (tmp_path / "c.csv").write_text(
        "case_id,improvement_direction,target,rebase_dates,fix_after_n_points,screen_outliers\n"
        "A,upwards,x,2024-13-01,5,maybe\n")
    (tmp_path / "p.csv").write_text("case_id,date,value\nA,2024-01-01,1\n")
    with pytest.raises(SystemExit):
        main(["spc", "batch", "--cases", str(tmp_path / "c.csv"), "--points", str(tmp_path / "p.csv"),
              "--out-cases", str(tmp_path / "C.csv"), "--out-points", str(tmp_path / "P.csv")])
    err = capsys.readouterr().err
    for column in ("improvement_direction", "target", "rebase_dates", "fix_after_n_points", "screen_outliers"):
        assert f"'{column}'" in err


def test_batch_rejects_duplicate_dates_and_unknown_cases(tmp_path: Path, capsys) -> None:
    (tmp_path / "c.csv").write_text(
        "case_id,improvement_direction,target,rebase_dates,fix_after_n_points,screen_outliers\nA,increase,,,,\n")
    (tmp_path / "p.csv").write_text("case_id,date,value\nA,2024-01-01,1\nA,2024-01-01,2\n")
    args = ["spc", "batch", "--cases", str(tmp_path / "c.csv"), "--points", str(tmp_path / "p.csv"),
            "--out-cases", str(tmp_path / "C.csv"), "--out-points", str(tmp_path / "P.csv")]
    with pytest.raises(SystemExit):
        main(args)
    assert "once per series" in capsys.readouterr().err
    (tmp_path / "p.csv").write_text("case_id,date,value\nB,2024-01-01,1\n")
    with pytest.raises(SystemExit):
        main(args)
    err = capsys.readouterr().err
    assert "'B' is not in c.csv" in err and "row 2" in err
