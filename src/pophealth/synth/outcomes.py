"""Deaths and emergency admissions, driven by age, sex, deprivation, place, conditions and frailty.

Deaths use a Gompertz hazard by sex (ONS life tables), multiplied by a deprivation gradient and by the
person's condition and frailty hazard ratios divided by their mean in the person's age band and sex, so
that the overall death rate stays at life-table level while the deprived and the multimorbid die sooner.
Deaths are simulated for a year past the as-of date too: those deaths are not written, but they let the
palliative register and a 12-month mortality model be realistic. Admissions are Poisson with a gamma
person effect, so prior admissions predict later ones, as in QAdmissions/PARR.
"""

from __future__ import annotations

import numpy as np

from pophealth.synth.params import day, load_params
from pophealth.synth.population import YEAR


def _band_normalise(factor: np.ndarray, people: dict) -> np.ndarray:
    key = np.minimum(people["age"] // 5, 19).astype(np.int64) * 2 + people["male"]
    sums = np.bincount(key, weights=factor, minlength=40)
    counts = np.bincount(key, minlength=40)
    return factor / (sums / np.maximum(counts, 1))[key]


def condition_factor(people: dict, conds: dict, efi: np.ndarray, field: str, per_deficit: float) -> np.ndarray:
    params = load_params()
    log_f = np.log(per_deficit) * efi
    for name, spec in params["conditions"].items():
        log_f = log_f + np.log(spec[field]) * (conds[name] >= 0)
    return np.exp(log_f)


def simulate_deaths(rng: np.random.Generator, people: dict, conds: dict, efi: np.ndarray) -> np.ndarray:
    """Death day per person (-1 if alive a year after the as-of date)."""
    params = load_params()
    mort = params["mortality"]
    start, as_of = day(params["history_start"]), day(params["as_of"])
    n = people["age"].size
    rel = _band_normalise(condition_factor(people, conds, efi, "hr_death", mort["efi_hr_per_deficit"]), people)
    rel *= np.exp(np.log(mort["dep_hr"]) * (people["dep"] - 0.5))
    rel *= np.where(people["place"] == "Leicester", mort["leicester_hr"], 1.0)
    a = np.where(people["male"], mort["gompertz"]["M"]["a"], mort["gompertz"]["F"]["a"])
    b = np.where(people["male"], mort["gompertz"]["M"]["b"], mort["gompertz"]["F"]["b"])
    floor = np.where(people["male"], mort["young_floor"]["M"], mort["young_floor"]["F"])
    death = np.full(n, -1, dtype=np.int64)
    edges = np.arange(start, as_of + 366, 365)
    for lo, hi in zip(edges[:-1], edges[1:]):
        lo = np.maximum(lo, people["dob"])
        span = (hi - lo) / YEAR
        ok = (death < 0) & (span > 0)
        age_mid = ((lo + hi) / 2 - people["dob"]) / YEAR
        base = np.maximum(np.exp(a + b * age_mid), floor)
        base = np.where(age_mid < 1, mort["infant"], base)
        p = 1 - np.exp(-base * rel * np.maximum(span, 0))
        dies = ok & (rng.random(n) < p)
        death[dies] = (lo[dies] + rng.random(dies.sum()) * (hi - lo[dies])).astype(np.int64)
    return death


def simulate_admissions(rng: np.random.Generator, people: dict, conds: dict, efi: np.ndarray,
                        death: np.ndarray, obs_start: np.ndarray) -> dict[str, np.ndarray]:
    """Emergency admissions (and A&E attendances) as rows: person index, start, end, kind."""
    params = load_params()
    adm = params["admissions"]
    start, as_of = day(params["history_start"]), day(params["as_of"])
    end = np.where((death >= 0) & (death <= as_of), death, as_of)
    exposure = np.maximum(end - np.maximum(obs_start, start), 0) / YEAR
    person_effect = rng.gamma(1 / adm["person_var"], adm["person_var"], people["age"].size)
    rel = condition_factor(people, conds, efi, "rr_admit", adm["efi_rr_per_deficit"])
    rel *= np.exp(adm["age_slope"] * np.maximum(people["age"] - 40, 0)) * adm["dep_rr"] ** people["dep"]
    rel *= person_effect
    rate = rel * adm["target_rate"] * exposure.sum() / max((rel * exposure).sum(), 1e-9)
    n_adm = rng.poisson(rate * exposure)
    who = np.repeat(np.arange(n_adm.size), n_adm)
    lo = np.maximum(obs_start, start)[who]
    s = (lo + rng.random(who.size) * (end[who] - lo)).astype(np.int64)
    # Terminal admissions: a share of deaths follow an emergency admission within 30 days.
    dead = np.flatnonzero((death >= 0) & (death <= as_of) & (rng.random(death.size) < adm["terminal_share"]))
    t_start = death[dead] - rng.integers(0, 30, dead.size)
    n_ae = rng.poisson(adm["ae_rate"] * np.sqrt(person_effect) * exposure)
    who_ae = np.repeat(np.arange(n_ae.size), n_ae)
    lo_ae = np.maximum(obs_start, start)[who_ae]
    s_ae = (lo_ae + rng.random(who_ae.size) * (end[who_ae] - lo_ae)).astype(np.int64)
    idx = np.concatenate([who, dead, who_ae])
    starts = np.concatenate([s, np.maximum(t_start, obs_start[dead]), s_ae])
    kind = np.concatenate([np.zeros(who.size + dead.size, np.int64), np.ones(who_ae.size, np.int64)])
    los = rng.geometric(1 / (2 + np.maximum(people["age"][idx] - 40, 0) / 8))
    ends = np.minimum(starts + np.where(kind == 0, los, 0), np.where(death[idx] >= 0, death[idx], as_of + 60))
    return {"idx": idx, "start": starts, "end": np.maximum(ends, starts), "kind": kind}
