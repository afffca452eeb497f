"""Care labels ship in the package: a server started in any folder shows the catalogue's words."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pophealth.care import labels

SRC = Path(labels.__file__).resolve().parents[2]


def test_a_process_started_in_another_folder_shows_the_catalogue_label(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("POPHEALTH_")}
    env["PYTHONPATH"] = str(SRC)
    code = ("from pophealth.care.labels import condition_label, deficit_label; "
            "print(condition_label('ckd')); print(deficit_label('activity_limitation'))")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert out == ["Chronic kidney disease (stage 3-5)", "Activity limitation"]


def test_the_web_app_created_in_another_folder_uses_the_packaged_labels(tmp_path, monkeypatch):
    from pophealth.web.app import create_app

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("POPHEALTH_REFERENCE", str(tmp_path / "nowhere"))
    labels._catalogue.cache_clear()
    app = create_app(tmp_path / "w.duckdb")
    try:
        assert labels.condition_label("ckd") == "Chronic kidney disease (stage 3-5)"
    finally:
        app.state.con.close()


@pytest.mark.reference
def test_the_packaged_labels_are_the_reference_catalogues(reference):
    folder = reference / "phm" / "codelists"
    with (folder / "ltc_condition_catalogue.csv").open(encoding="utf-8", newline="") as handle:
        conditions = {r["condition"]: r["label"] for r in csv.DictReader(handle)}
    with (folder / "efi_deficits.csv").open(encoding="utf-8", newline="") as handle:
        deficits = {r["deficit"]: r["deficit_label"] for r in csv.DictReader(handle)}
    labels._catalogue.cache_clear()
    assert labels._catalogue("condition") == conditions
    assert labels._catalogue("deficit") == deficits


def test_every_medicine_the_synthetic_population_issues_has_a_name():
    """A person summary names each medicine from the package's table: a code the generator writes without a
    name there would show as a bare code (found once: three epilepsy medicines added without names)."""
    from pophealth.care.labels import medicine_name
    from pophealth.synth.params import load_params

    written = load_params()["drugs"]
    assert written and {drug: code for drug, code in written.items() if not medicine_name(code)} == {}
    assert all(medicine_name(code).lower() == drug for drug, code in written.items())
