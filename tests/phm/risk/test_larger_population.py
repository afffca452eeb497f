"""At 20,000 people (about 1,100 admissions a year) the model still beats both baselines after the cut-off."""

from __future__ import annotations

import pytest

from pophealth.phm.risk import run_risk
from pophealth.warehouse import connect
from tests.synth.conftest import build

from .conftest import CUTOFF


@pytest.mark.slow
def test_model_beats_both_baselines_at_20000_people(tmp_path):
    path = build(tmp_path / "larger.duckdb", 20_000, 11)
    con = connect(path)
    try:
        met = run_risk(con, CUTOFF, seed=3, reps=50)["emergency_admission_12m"]["metrics"]
    finally:
        con.close()
    model, base = met["model"], met["baselines"]
    assert model["auroc"] > base["age_sex"]["auroc"] and model["auroc"] > base["ltc"]["auroc"]
    # the paired bootstrap interval of the gain over each baseline lies above zero
    assert base["age_sex"]["auroc_gain_ci"][0] > 0 and base["ltc"]["auroc_gain_ci"][0] > 0
    assert 0.7 < model["calibration_slope"] < 1.3
