"""The palliative register's selection scale per sub-ICB, solved to each sub-ICB's QOF PC prevalence.

The register is built from prognosis (care.palliative_register): each year a person joins it with a chance
rising with their expected death risk. How many are on it at the as-of date depends non-linearly on the
spread of those risks (which the multimorbidity clustering sets), so a fixed multiplier cannot hit a
target; this solves, on the same fixed calibration sample as the condition intercepts, the multiplier per
sub-ICB that makes the expected register share among the people alive at the as-of date (those later
marked "no longer indicated" removed) equal the sub-ICB's QOF PC recorded prevalence.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from pophealth.synth.calibration_targets import SUB_ICBS
from pophealth.synth.params import day, load_params
from pophealth.synth.population import YEAR

MAX_YEARLY = 0.9


def expected_on_register(scale: float, base: np.ndarray, share_registered: np.ndarray) -> np.ndarray:
    """Chance each person has joined by the as-of date: ``base`` (years x people) is the yearly chance
    before the scale and the 0.9 cap, ``share_registered`` the part of each year they are registered."""
    yearly = np.minimum(scale * base, MAX_YEARLY) * share_registered
    return 1 - np.prod(1 - yearly, axis=0)


def _solve(target: float, base: np.ndarray, share: np.ndarray, weight: np.ndarray) -> float:
    lo, hi = 0.0, 100.0
    for _ in range(40):
        mid = (lo + hi) / 2
        got = (expected_on_register(mid, base, share) * weight).sum() / weight.sum()
        lo, hi = (mid, hi) if got < target else (lo, mid)
    return (lo + hi) / 2


@lru_cache(maxsize=1)
def palliative_scales() -> dict[str, float]:
    """sub-ICB -> multiplier of ``palliative_per_expected_death``."""
    from pophealth.synth.calibration_real import qof_targets
    from pophealth.synth.conditions import assign_conditions, calibration_sample, efi_deficit_count, intercepts
    from pophealth.synth.generate import registration_start
    from pophealth.synth.medicines import prescribe
    from pophealth.synth.outcomes import life_table_rate, relative_death_hazard, survival_to_as_of

    params = load_params()
    care = params["care"]
    sample = calibration_sample()
    rng = np.random.default_rng(20240402)
    conds = assign_conditions(rng, sample, intercepts())
    obs_start = registration_start(rng, sample)
    as_of = day(params["as_of"])
    _, n_drugs = prescribe(rng, sample, conds, np.full(sample["age"].size, as_of), obs_start)
    efi = efi_deficit_count(conds, n_drugs)
    rel = relative_death_hazard(sample, conds, efi)
    alive = survival_to_as_of(sample, conds, efi)
    window = day(params["history_start"])
    cancer = np.where(conds["cancer"] >= 0, care["palliative_cancer_factor"], 1.0)
    base, share = [], []
    for y in range(int((as_of - window) / YEAR) + 1):
        lo = window + int(y * YEAR)
        hi = min(lo + 365, as_of)
        q = 1 - np.exp(-life_table_rate(sample, (lo - sample["dob"]) / YEAR) * rel)
        base.append(care["palliative_per_expected_death"] * q ** care["palliative_prognosis_power"] * cancer)
        share.append(np.clip((hi - np.maximum(obs_start, lo)) / max(hi - lo, 1), 0, 1))
    base_a, share_a = np.array(base), np.array(share)
    kept = 1 - care["palliative_not_indicated"]
    targets = qof_targets()
    out = {}
    for sub in SUB_ICBS:
        mask = sample["sub_icb"] == sub
        out[sub] = _solve(targets[("PC", sub)][0] / kept, base_a[:, mask], share_a[:, mask], alive[mask])
    return out
