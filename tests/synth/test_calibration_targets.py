"""The calibration machinery: per-sub-ICB targets read from the QOF file (not constants), the register
yield of treatment rules, the strata people fall in, and the palliative register's solved scale."""

from __future__ import annotations

import csv
import shutil

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pophealth.synth import calibration_real
from pophealth.synth.calibration_palliative import _solve, expected_on_register
from pophealth.synth.calibration_targets import (ALL, CHILD, SUB_ICBS, register_since, register_yield, strata,
                                                 stratum_of)
from pophealth.synth.params import day, load_params

pytestmark = pytest.mark.reference


def _published(path, group: str) -> dict[str, float]:
    """The latest year's recorded prevalence (%) of one QOF group per sub-ICB, read straight from the file."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["group"] == group and r["measure"] == "Prevalence (%)"
                and r["ccg_code"] in SUB_ICBS]
    latest = max(r["qof_year"] for r in rows)
    return {r["ccg_code"]: float(r["value"]) / 100 for r in rows if r["qof_year"] == latest}


@pytest.fixture()
def qof_copy(tmp_path, monkeypatch):
    """A copy of the shipped QOF file the calibration reads instead of the original."""
    path = tmp_path / calibration_real.QOF_FILE
    shutil.copy(calibration_real.qof_path(), path)
    monkeypatch.setattr(calibration_real, "qof_path", lambda: path)
    calibration_real.qof_targets.cache_clear()
    yield path
    calibration_real.qof_targets.cache_clear()


def test_every_qof_condition_has_one_target_per_sub_icb_from_the_file(qof_copy):
    for name, spec in load_params()["conditions"].items():
        if "qof" not in spec:
            assert [s.key for s in strata(name) if s.key != CHILD] == [ALL]
            continue
        published = _published(qof_copy, spec["qof"])
        got = {s.key: s for s in strata(name) if s.key in SUB_ICBS}
        assert set(got) == set(SUB_ICBS), name
        for sub, stratum in got.items():
            assert stratum.target * register_yield(name) == pytest.approx(published[sub], rel=1e-12), (name, sub)
            assert "QOF" in stratum.source and sub in stratum.source


def test_a_changed_qof_file_changes_the_targets(qof_copy):
    """Targets follow the file: doubling Leicester City's COPD prevalence doubles its target."""
    before = {s.key: s.target for s in strata("copd")}
    with open(qof_copy, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    latest = max(r["qof_year"] for r in rows if r["group"] == "COPD")
    for r in rows:
        if (r["group"], r["ccg_code"], r["measure"], r["qof_year"]) == ("COPD", "04C", "Prevalence (%)", latest):
            r["value"] = str(float(r["value"]) * 2)
    with open(qof_copy, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    calibration_real.qof_targets.cache_clear()
    after = {s.key: s.target for s in strata("copd")}
    assert after["04C"] == pytest.approx(2 * before["04C"])
    assert after["03W"] == before["03W"] and after["04V"] == before["04V"]


def test_register_age_bases_are_the_qof_ones():
    ages = {name: {s.age_lo for s in strata(name) if s.key in SUB_ICBS}
            for name in ("diabetes", "ckd", "depression", "epilepsy", "osteoporosis", "rheumatoid_arthritis", "chd")}
    assert ages == {"diabetes": {17}, "ckd": {18}, "depression": {18}, "epilepsy": {18}, "osteoporosis": {50},
                    "rheumatoid_arthritis": {16}, "chd": {0}}


def test_register_yield_is_the_chance_of_a_listed_medicine():
    params = load_params()["conditions"]
    asthma = params["asthma"]["drugs"]
    assert register_yield("asthma") == pytest.approx(1 - (1 - asthma["salbutamol"]) * (1 - asthma["montelukast"]))
    epilepsy = params["epilepsy"]["drugs"]
    assert register_yield("epilepsy") == pytest.approx(1 - np.prod([1 - v for v in epilepsy.values()]))
    assert register_yield("copd") == 1.0 and register_yield("diabetes") == 1.0


def test_since_rules_are_the_registers_own():
    assert register_since("cancer") == day("2003-04-01")
    assert register_since("depression") == day("2006-04-01")
    assert register_since("copd") is None


def test_people_fall_in_their_sub_icb_or_childhood_stratum():
    people = {"age": np.array([5.0, 16.9, 17.0, 40.0, 40.0]),
              "sub_icb": np.array(["04C", "03W", "03W", "04V", "04C"], dtype=object)}
    assert list(stratum_of("diabetes", people)) == [CHILD, CHILD, "03W", "04V", "04C"]
    assert list(stratum_of("copd", people)) == ["04C", "03W", "03W", "04V", "04C"]
    assert list(stratum_of("anxiety", people)) == [ALL] * 5


@settings(max_examples=30, deadline=None)
@given(st.floats(0.001, 0.05), st.integers(0, 2**32 - 1))
def test_palliative_scale_hits_its_target(target, seed):
    rng = np.random.default_rng(seed)
    base = rng.gamma(0.5, 0.01, size=(7, 400))
    share = rng.uniform(0.5, 1.0, size=(7, 400))
    weight = rng.uniform(0.2, 1.0, size=400)
    scale = _solve(target, base, share, weight)
    got = (expected_on_register(scale, base, share) * weight).sum() / weight.sum()
    reachable = (expected_on_register(100.0, base, share) * weight).sum() / weight.sum()
    assert got == pytest.approx(min(target, reachable), rel=1e-4, abs=1e-6)
