"""The synthetic palliative care register follows prognosis (expected death risk), never the realised deaths,
so no outcome leaks into the risk models' features (docs/synthetic-population.md)."""

from __future__ import annotations

import inspect

import numpy as np

from pophealth.synth import care
from pophealth.synth.calibration_palliative import palliative_scales
from pophealth.synth.outcomes import life_table_rate
from pophealth.synth.params import day, load_params
from pophealth.synth.population import YEAR


def _context(n: int, age: float, seed: int = 5) -> care.Context:
    params = load_params()
    window, as_of = day(params["history_start"]), day(params["as_of"])
    people = {"age": np.full(n, age), "dob": np.full(n, window - int(age * YEAR)), "male": np.zeros(n, bool),
              "sub_icb": np.full(n, "04C", dtype=object)}
    conds = {"cancer": np.full(n, -1)}
    return care.Context(np.random.default_rng(seed), people, conds, np.full(n, window), np.full(n, as_of))


def test_register_is_made_from_the_expected_risk_not_from_deaths():
    assert list(inspect.signature(care.palliative_register).parameters) == ["ctx", "rel"]


def test_first_year_joining_rate_is_the_documented_function_of_expected_risk():
    spec = load_params()["care"]
    n, age = 40_000, 85.0
    ctx = _context(n, age)
    rel = np.where(np.arange(n) < n // 2, 4.0, 0.25)  # a poor and a good prognosis at the same age
    idx, added = care.palliative_register(ctx, rel)
    first_year = added < ctx.window + 365
    q = 1 - np.exp(-life_table_rate(ctx.people, np.full(n, age))[0] * np.array([4.0, 0.25]))
    scale = palliative_scales()["04C"]  # solved to Leicester City's QOF PC prevalence
    expected = np.minimum(scale * spec["palliative_per_expected_death"] * q ** spec["palliative_prognosis_power"], 0.9)
    for group, (lo, hi) in enumerate(((0, n // 2), (n // 2, n))):
        got = np.count_nonzero((idx[first_year] >= lo) & (idx[first_year] < hi)) / (n // 2)
        se = np.sqrt(expected[group] * (1 - expected[group]) / (n // 2))
        assert abs(got - expected[group]) < 4 * se + 1e-4, (group, got, expected[group])
