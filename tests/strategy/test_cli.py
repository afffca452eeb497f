"""``pophealth strategy show --json`` and ``strategy validate`` on the shipped and on broken folders."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from pophealth.cli import app, main
from pophealth.strategy import default_strategy_dir

runner = CliRunner()


def test_show_json_has_the_promised_top_level_lists():
    result = runner.invoke(app, ["strategy", "show", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    for key in ("pledges", "delivery_priorities", "focuses", "life_course_priorities",
                "jhws_priorities", "leicester_themes", "principles"):
        assert isinstance(data[key], list) and data[key], key
    assert len(data["pledges"]) == 13
    assert len(data["delivery_priorities"]) == 11
    interventions = [iv for d in data["delivery_priorities"] for iv in d["interventions"]]
    assert len(interventions) == 79 and all(iv["timeline"] for iv in interventions)
    assert sum(len(f["actions"]) for f in data["focuses"]) == 37
    assert [len(t["priorities"]) for t in data["leicester_themes"]] == [4, 4, 4, 4, 3]


def test_validate_reports_the_counts():
    result = runner.invoke(app, ["strategy", "validate"])
    assert result.exit_code == 0, result.output
    assert "13 pledges" in result.output and "79 interventions" in result.output


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A private copy of the shipped register to break."""
    target = tmp_path / "llr"
    shutil.copytree(default_strategy_dir(), target)
    return target


def _edit(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text("utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")


def _validate(folder: Path, capsys) -> tuple[int, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(["strategy", "validate", "--strategy", str(folder)])
    return exit_info.value.code, capsys.readouterr().err


def test_a_copy_of_the_shipped_register_is_valid(folder: Path):
    result = runner.invoke(app, ["strategy", "validate", "--strategy", str(folder)])
    assert result.exit_code == 0, result.output


def test_a_corrupt_field_is_rejected_naming_file_and_path(folder: Path, capsys):
    _edit(folder / "pledges.yaml", lambda d: d["pledges"][2].update(number="three"))
    code, err = _validate(folder, capsys)
    assert code != 0
    assert "pledges.yaml" in err and "pledges[2].number" in err and "integer" in err


def test_a_missing_required_field_is_rejected(folder: Path, capsys):
    _edit(folder / "delivery_priorities.yaml",
          lambda d: d["delivery_priorities"][3]["interventions"][0].pop("timeline"))
    code, err = _validate(folder, capsys)
    assert code != 0
    assert "delivery_priorities.yaml" in err and "interventions[0].timeline" in err


def test_a_yaml_syntax_error_is_rejected_with_its_line(folder: Path, capsys):
    path = folder / "focuses.yaml"
    lines = path.read_text("utf-8").splitlines()
    lines[5] = lines[5] + ": [unclosed"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    code, err = _validate(folder, capsys)
    assert code != 0
    assert "focuses.yaml" in err and "not valid YAML" in err and "row" in err


def test_an_unknown_pledge_link_is_rejected(folder: Path, capsys):
    _edit(folder / "delivery_priorities.yaml", lambda d: d["delivery_priorities"][0]["pledges"].append(14))
    code, err = _validate(folder, capsys)
    assert code != 0
    assert "delivery_priorities.yaml" in err and "unknown pledge 14" in err


def test_an_unknown_delivery_priority_link_is_rejected(folder: Path, capsys):
    _edit(folder / "pledges.yaml", lambda d: d["pledges"][0]["delivery_priorities"].append("no-such-priority"))
    code, err = _validate(folder, capsys)
    assert code != 0
    assert "pledges.yaml" in err and "no-such-priority" in err


def test_the_installed_command_rejects_a_broken_folder(folder: Path):
    """End to end through a real process: non-zero exit and the file named on stderr."""
    (folder / "jhws.yaml").write_text("jhws: [unclosed\n", "utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(__file__).parents[2] / "src"),
                                                                      os.environ.get("PYTHONPATH")]))}
    proc = subprocess.run([sys.executable, "-m", "pophealth.cli", "strategy", "validate", "--strategy", str(folder)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode != 0
    assert "jhws.yaml" in proc.stderr
