"""``pophealth publish``: builds the site and reports it; refuses a folder that is not a previous build."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pophealth.cli import main

MIN = "tests/fixtures/strategy_min"


def test_publish_writes_the_site(tmp_path: Path, capsys) -> None:
    main(["init", "--db", str(tmp_path / "w.duckdb")])
    capsys.readouterr()
    main(["publish", "--out", str(tmp_path / "site"), "--db", str(tmp_path / "w.duckdb"), "--strategy", MIN, "--json"])
    report = json.loads(capsys.readouterr().out)
    assert report["pages"] == len(list((tmp_path / "site").rglob("*.html")))
    assert report["csv_files"] == len(list((tmp_path / "site").rglob("*.csv")))
    assert (tmp_path / "site" / "index.html").is_file()


def test_publish_refuses_an_unrelated_folder(tmp_path: Path, capsys) -> None:
    main(["init", "--db", str(tmp_path / "w.duckdb")])
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        main(["publish", "--out", str(tmp_path / "docs"), "--db", str(tmp_path / "w.duckdb"), "--strategy", MIN])
    assert exit_info.value.code != 0
    assert "is not a pophealth microsite" in capsys.readouterr().err
    assert (tmp_path / "docs" / "keep.txt").read_text(encoding="utf-8") == "mine"
