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

NORMALISE_ITERATIONS = 4


def _band_normalise(factor: np.ndarray, people: dict, base: np.ndarray | None = None,
                    years: np.ndarray | None = None) -> np.ndarray:
    """``factor`` over its mean within (5-year age band, sex).

    With ``base`` (a yearly hazard) and ``years`` at risk, the mean is taken over the people expected
    to be still alive after those years (found by fixed-point iteration): heterogeneous hazards select
    the robust as the frail die, and normalising over survivors keeps the band's observed death rate at
    the life-table rate instead of falling below it.
    """
    key = np.minimum(people["age"] // 5, 19).astype(np.int64) * 2 + people["male"]
    counts = np.bincount(key, minlength=40)
    norm = np.bincount(key, weights=factor, minlength=40) / np.maximum(counts, 1)
    if base is not None:
        for _ in range(NORMALISE_ITERATIONS):
            alive = np.exp(-base * years * factor / np.maximum(norm[key], 1e-12))
            norm = np.bincount(key, weights=factor * alive, minlength=40) / np.maximum(
                np.bincount(key, weights=alive, minlength=40), 1e-12)
    return factor / np.maximum(norm, 1e-12)[key]


def condition_factor(people: dict, conds: dict, efi: np.ndarray, field: str, per_deficit: float) -> np.ndarray:
    params = load_params()
    log_f = np.log(per_deficit) * efi
    for name, spec in params["conditions"].items():
        log_f = log_f + np.log(spec[field]) * (conds[name] >= 0)
    return np.exp(log_f)


def relative_death_hazard(people: dict, conds: dict, efi: np.ndarray) -> np.ndarray:
    """Each person's hazard relative to the life-table rate for their age and sex.

    Condition, frailty, deprivation and place effects are normalised together within age band and sex
    (over the people expected to be alive at the middle of the window), so they move deaths between
    people without changing the band's rate; ``level`` scales the life table to LLR's.
    """
    params = load_params()
    mort = params["mortality"]
    # Published hazard ratios of each condition and of frailty are not adjusted for one another; the
    # shrink exponent stops them compounding into implausibly wide risk differences among the old.
    factor = condition_factor(people, conds, efi, "hr_death", mort["efi_hr_per_deficit"]) ** mort["hr_shrink"]
    factor *= np.exp(np.log(np.where(people["male"], mort["dep_hr"]["M"], mort["dep_hr"]["F"])) * people["dep"])
    factor *= np.where(people["place"] == "Leicester", mort["leicester_hr"], 1.0)
    start, as_of = day(params["history_start"]), day(params["as_of"])
    mid = (start + as_of) / 2
    years = np.maximum(mid - np.maximum(start, people["dob"]), 0) / YEAR
    age_mid = (mid - people["dob"]) / YEAR
    return _band_normalise(factor, people, life_table_rate(people, age_mid), years) * np.where(people["male"], mort["level"]["M"], mort["level"]["F"])


def life_table_rate(people: dict, age: np.ndarray) -> np.ndarray:
    """Yearly death rate at ``age`` by sex: Gompertz from 30, a floor below, the infant rate under 1."""
    mort = load_params()["mortality"]
    a = np.where(people["male"], mort["gompertz"]["M"]["a"], mort["gompertz"]["F"]["a"])
    b = np.where(people["male"], mort["gompertz"]["M"]["b"], mort["gompertz"]["F"]["b"])
    floor = np.where(people["male"], mort["young_floor"]["M"], mort["young_floor"]["F"])
    return np.where(age < 1, mort["infant"], np.maximum(np.exp(a + b * age), floor))


def yearly_hazards(people: dict, rel: np.ndarray, until: int):
    """(start, end, cumulative hazard) of each year from the window start to ``until``, per person.

    A year's start is the later of the calendar step and the person's birth, so people born inside the
    window are only at risk from birth; the first year of life carries the infant rate.
    """
    params = load_params()
    edges = np.arange(day(params["history_start"]), until + 365, 365)
    for lo, hi in zip(edges[:-1], edges[1:]):
        lo = np.maximum(lo, people["dob"])
        span = np.maximum((hi - lo) / YEAR, 0)
        yield lo, hi, life_table_rate(people, ((lo + hi) / 2 - people["dob"]) / YEAR) * rel * span


def survival_to_as_of(people: dict, conds: dict, efi: np.ndarray) -> np.ndarray:
    """Probability of being alive at the as-of date (used to calibrate prevalence among survivors)."""
    as_of = day(load_params()["as_of"])
    rel = relative_death_hazard(people, conds, efi)
    total = np.zeros(people["age"].size)
    for lo, hi, hazard in yearly_hazards(people, rel, as_of):
        share = np.clip((as_of - lo) / np.maximum(hi - lo, 1), 0, 1)  # only the part of the last year before as-of
        total += hazard * share
    return np.exp(-total)


def simulate_deaths(rng: np.random.Generator, people: dict, conds: dict, efi: np.ndarray) -> np.ndarray:
    """Death day per person (-1 if alive a year after the as-of date)."""
    as_of = day(load_params()["as_of"])
    n = people["age"].size
    rel = relative_death_hazard(people, conds, efi)
    death = np.full(n, -1, dtype=np.int64)
    for lo, hi, hazard in yearly_hazards(people, rel, as_of + 1):
        ok = (death < 0) & (hi > lo)
        dies = ok & (rng.random(n) < 1 - np.exp(-hazard))
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
