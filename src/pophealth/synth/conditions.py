"""Long-term conditions and frailty deficits: who has them and since when.

Each condition's log-odds = age shape + sex + deprivation + loading x shared factor + intercept; the shared
factor's mean rises with age, so conditions cluster and accumulate together in later life. There is one
intercept per stratum (calibration_targets.py): per sub-ICB for conditions with a QOF register, solved to
that sub-ICB's QOF prevalence over the register's age base; LLR-wide otherwise; childhood separately for
diabetes and epilepsy. Each is solved (bisection) on a fixed calibration sample of the LLR census
population so that the expected prevalence *among people alive at the as-of date* equals its target (a
QOF register counts the living): conditions that shorten life are generated more often than their
target by exactly the share their patients die first. The survival weights come from the same death
model the generator uses (expected survival, not a random draw), re-derived after each solve because
the death model's relative hazards depend on who has which condition. Sampling noise therefore cannot
drift the calibration between seeds.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from pophealth.synth.calibration_targets import ALL, CHILD, denominator, register_since, strata, stratum_of
from pophealth.synth.params import day, load_params
from pophealth.synth.population import YEAR, draw_people

CALIBRATION_SAMPLE = 200_000
SURVIVAL_ITERATIONS = 3


def _logit_shape(spec: dict, people: dict[str, np.ndarray]) -> np.ndarray:
    anchors = np.array(spec["age_logit"], dtype=float)
    shape = np.interp(people["age"], anchors[:, 0], anchors[:, 1])
    shape += np.log(spec["male_or"]) * people["male"] + np.log(spec["dep_or"]) * people["dep"]
    return shape + spec["latent"] * load_params().get("latent_scale", 1.0) * latent_factor(people)


def latent_factor(people: dict[str, np.ndarray]) -> np.ndarray:
    """The shared morbidity factor: the person's own ``z`` plus a mean that rises with age
    (``latent_age_mean`` anchors), since morbidity accumulates together in later life. Each condition
    loads on it with its ``latent``, so the conditions that cluster most also shift most to the old."""
    anchors = np.array(load_params().get("latent_age_mean", [[0, 0.0]]), dtype=float)
    return people["z"] + np.interp(people["age"], anchors[:, 0], anchors[:, 1])


def _deficit_shape(people: dict[str, np.ndarray]) -> np.ndarray:
    params = load_params()
    return (params["deficit_age_slope"] * (people["age"] - 75) / 10
            + params["deficit_latent"] * people["z"] + 0.4 * people["dep"])


def _solve(shape: np.ndarray, eligible: np.ndarray, target: float, counted: np.ndarray | None = None) -> float:
    """Intercept making the mean probability over ``eligible`` equal ``target``; people outside
    ``counted`` (too young to have the condition, or in another stratum) count as not having it."""
    counted = np.ones(shape.size, bool) if counted is None else counted
    weight = counted[eligible]
    lo, hi = -20.0, 20.0
    for _ in range(50):
        mid = (lo + hi) / 2
        p = weight / (1 + np.exp(-(shape[eligible] + mid)))
        lo, hi = (mid, hi) if p.mean() < target else (lo, mid)
    return (lo + hi) / 2


def _masks(sample: dict) -> dict[tuple[str, str], tuple[np.ndarray, np.ndarray]]:
    """(condition, stratum) -> (denominator, people of the stratum old enough to have the condition)."""
    params = load_params()
    out = {}
    for name, spec in params["conditions"].items():
        which = stratum_of(name, sample)
        for s in strata(name):
            out[(name, s.key)] = (denominator(s, sample), (which == s.key) & (sample["age"] >= onset_age(spec)))
    return out


def _solve_all(sample: dict, targets: dict[tuple[str, str], float],
               masks: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]]) -> dict:
    params = load_params()
    out: dict = {}
    for name, spec in params["conditions"].items():
        shape = _logit_shape(spec, sample)
        out[name] = {key: _solve(shape, masks[(name, key)][0], targets[(name, key)], masks[(name, key)][1])
                     for (cond, key) in targets if cond == name}
    shape = _deficit_shape(sample)
    for name in params["deficits"]:
        out["deficit:" + name] = _solve(shape, sample["age"] >= 65, targets[("deficit:" + name, ALL)])
    return out


def _register_ratio(has: np.ndarray, on_register: np.ndarray, eligible: np.ndarray, alive: np.ndarray) -> float:
    """Register prevalence among the expected survivors over prevalence among everyone generated: the
    survivors' share (conditions that shorten life are generated more often than their target) times the
    share of diagnoses recent enough for the register's ``since`` rule."""
    before = has[eligible].mean()
    after = (on_register * alive)[eligible].sum() / max(alive[eligible].sum(), 1e-12)
    return float(after / before) if before > 0 and after > 0 else 1.0


def calibration_sample() -> dict[str, np.ndarray]:
    """The fixed population every intercept is solved on."""
    return draw_people(np.random.default_rng(20240331), CALIBRATION_SAMPLE, 0)


@lru_cache(maxsize=1)
def intercepts() -> dict:
    """Intercepts of every condition (per stratum: sub-ICB, LLR-wide or childhood) and deficit, from a
    fixed-seed calibration sample."""
    from pophealth.synth.medicines import prescribe
    from pophealth.synth.outcomes import survival_to_as_of

    params = load_params()
    sample = calibration_sample()
    masks = _masks(sample)
    masks |= {("deficit:" + name, ALL): (sample["age"] >= 65, np.ones(sample["age"].size, bool))
              for name in params["deficits"]}
    targets = {(name, s.key): s.target for name in params["conditions"] for s in strata(name)}
    targets |= {("deficit:" + name, ALL): spec["target"] for name, spec in params["deficits"].items()}
    out = _solve_all(sample, targets, masks)
    for _ in range(SURVIVAL_ITERATIONS):
        rng = np.random.default_rng(20240401)
        conds = assign_conditions(rng, sample, out)
        _, n_drugs = prescribe(rng, sample, conds, np.full(sample["age"].size, day(params["as_of"])), sample["dob"])
        alive = survival_to_as_of(sample, conds, efi_deficit_count(conds, n_drugs))
        generated = {}
        for (name, key), target in targets.items():
            den, counted = masks[(name, key)]
            has = (conds[name] >= 0) & counted
            since = register_since(name) if key != ALL and key != CHILD else None
            on_register = has if since is None else has & (conds[name] >= since)
            ratio = _register_ratio(has, on_register, den, alive)
            generated[(name, key)] = min(target / ratio, 0.95)
        out = _solve_all(sample, generated, masks)
    return out


def _intercept(icpt: dict, name: str, people: dict) -> np.ndarray:
    """Each person's intercept for a condition, by their stratum."""
    values = icpt[name]
    which = stratum_of(name, people)
    out = np.zeros(people["age"].size)
    for key, value in values.items():
        out[which == key] = value
    return out


def onset_age(spec: dict) -> float:
    """The youngest age a condition is generated at. ``min_age`` is the age range of the QOF target;
    conditions that also start in childhood (type 1 diabetes, epilepsy, autism) set ``onset_age`` below it,
    with a ``child`` prevalence target checked by the calibration report."""
    return float(spec.get("onset_age", spec["min_age"]))


def _onset(rng: np.random.Generator, people: dict, idx: np.ndarray, min_age: float) -> np.ndarray:
    """Diagnosis date: some years before the as-of date, never before ``min_age`` (or age 1)."""
    as_of = day(load_params()["as_of"])
    age = people["age"][idx]
    earliest_age = np.maximum(min_age, 1.0)
    span = np.maximum(age - earliest_age, 0.05)
    years_before = np.minimum(rng.exponential(np.minimum(10.0, 0.5 * span + 0.5)), span)
    return np.maximum((as_of - years_before * YEAR).astype(np.int64), people["dob"][idx])


def assign_conditions(rng: np.random.Generator, people: dict,
                      icpt: dict[str, float] | None = None) -> dict[str, np.ndarray]:
    """Onset day of each condition and generated deficit per person (-1 where absent)."""
    params = load_params()
    icpt = intercepts() if icpt is None else icpt
    n = people["age"].size
    out: dict[str, np.ndarray] = {}
    for name, spec in params["conditions"].items():
        p = 1 / (1 + np.exp(-(_logit_shape(spec, people) + _intercept(icpt, name, people))))
        start = onset_age(spec)
        has = (rng.random(n) < p) & (people["age"] >= start)
        onset = np.full(n, -1, dtype=np.int64)
        idx = np.flatnonzero(has)
        onset[idx] = _onset(rng, people, idx, start)
        out[name] = onset
    # End-stage renal disease sits inside CKD.
    esrd = out["end_stage_renal_disease"] >= 0
    out["ckd"] = np.where(esrd & (out["ckd"] < 0), out["end_stage_renal_disease"], out["ckd"])
    shape = _deficit_shape(people)
    for name in params["deficits"]:
        p = 1 / (1 + np.exp(-(shape + icpt["deficit:" + name])))
        has = rng.random(n) < p
        onset = np.full(n, -1, dtype=np.int64)
        idx = np.flatnonzero(has)
        onset[idx] = _onset(rng, people, idx, 18.0)
        out["deficit:" + name] = onset
    return out


def efi_deficit_count(conds: dict[str, np.ndarray], n_drugs: np.ndarray) -> np.ndarray:
    """Deficits present at the as-of date: LTC-derived (each deficit once), generated, polypharmacy."""
    params = load_params()
    n = n_drugs.size
    ltc_def: dict[str, np.ndarray] = {}
    for cond, deficit in params["ltc_deficits"].items():
        ltc_def[deficit] = ltc_def.get(deficit, np.zeros(n, bool)) | (conds[cond] >= 0)
    for name in params["deficits"]:
        ltc_def[name] = ltc_def.get(name, np.zeros(n, bool)) | (conds["deficit:" + name] >= 0)
    return sum(v.astype(np.int64) for v in ltc_def.values()) + (n_drugs >= 5)
