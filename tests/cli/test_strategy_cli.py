"""The strategy commands on a small valid folder and on broken copies of it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pophealth.cli import app

FIXTURE = Path(__file__).parents[1] / "fixtures" / "strategy_min"
runner = CliRunner()


def run(*args: str):
    from pophealth.cli import main

    try:
        main(list(args))
    except SystemExit as exc:
        return exc.code
    return 0


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "strategy"
    shutil.copytree(FIXTURE, target)
    return target


def test_valid_folder_passes(folder, capsys):
    assert run("strategy", "validate", "--strategy", str(folder)) == 0
    assert "valid" in capsys.readouterr().out


def test_show_json_has_the_top_level_lists(folder):
    result = runner.invoke(app, ["strategy", "show", "--json", "--strategy", str(folder)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    for key in ("pledges", "delivery_priorities", "focuses", "life_course_priorities", "jhws_priorities",
                "leicester_themes", "principles"):
        assert isinstance(data[key], list), key
    assert data["delivery_priorities"][0]["interventions"][0]["timeline"] == "23/24"


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        ("pledges.yaml", "number: 2", "number: fourteen", "pledges.yaml"),
        ("pledges.yaml", "    emphasis: narrow the gap\n", "", "pledges[0].emphasis"),
        ("delivery.yaml", "pledges: [1]\n    source", "pledges: [42]\n    source", "unknown pledge 42"),
        ("pledges.yaml", "delivery_priorities: [keeping-people-well]", "delivery_priorities: [nowhere]",
         "unknown delivery priority 'nowhere'"),
        ("register.yaml", "ics: Test ICS", "ics: [unclosed", "register.yaml"),
        ("delivery.yaml", "timeline: 23/24}", "timeline: 23/24, colour: red}", "colour"),
    ],
)
def test_broken_folder_is_rejected_naming_the_file(folder, capsys, file, old, new, expected):
    path = folder / file
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    code = run("strategy", "validate", "--strategy", str(folder))
    err = capsys.readouterr().err
    assert code == 3
    assert file in err
    assert expected in err
    assert "Traceback" not in err


def test_missing_folder_is_a_clear_error(tmp_path, capsys):
    assert run("strategy", "validate", "--strategy", str(tmp_path / "nope")) == 2
    assert "Strategy folder not found" in capsys.readouterr().err
