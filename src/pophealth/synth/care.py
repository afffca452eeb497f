"""Primary-care records: diagnoses, deficits, registers, statuses, care processes and their values.

Every record is dated inside the person's registration (observation period) and before death, so the
history can be cut at any date for a risk model trained before and evaluated after it.
"""

from __future__ import annotations

import numpy as np

from pophealth.synth.calibration_targets import palliative_scale
from pophealth.synth.outcomes import life_table_rate
from pophealth.synth.params import day, load_params
from pophealth.synth.population import YEAR
from pophealth.synth.sink import Sink

CVD_RISK = ("hypertension", "diabetes", "ckd", "chd", "stroke_tia", "heart_failure", "peripheral_arterial_disease")
FLU_RISK = ("copd", "asthma", "diabetes", "ckd", "chd", "heart_failure", "stroke_tia")
OBSERVATION_DEFICITS = {"housebound", "requirement_for_care", "social_vulnerability", "activity_limitation",
                        "mobility_transfer_problems"}


class Context:
    """One chunk's people with their registration window, used by every record writer below."""

    def __init__(self, rng, people, conds, obs_start, end):
        self.rng, self.people, self.conds = rng, people, conds
        self.obs_start, self.end = obs_start, end
        params = load_params()
        self.window = day(params["history_start"])
        self.as_of = day(params["as_of"])
        self.n = people["age"].size

    def age_at(self, d: np.ndarray, idx: np.ndarray) -> np.ndarray:
        return (d - self.people["dob"][idx]) / YEAR

    def yearly(self, eligible: np.ndarray, p: np.ndarray | float, year: int) -> tuple[np.ndarray, np.ndarray]:
        """People eligible and selected in one year, with a random day in that year inside registration."""
        lo = self.window + int(year * YEAR)
        hi = min(lo + 365, self.as_of)
        d = lo + (self.rng.random(self.n) * (hi - lo)).astype(np.int64)
        ok = eligible & (self.rng.random(self.n) < p) & (d >= self.obs_start) & (d <= self.end)
        idx = np.flatnonzero(ok)
        return idx, d[idx]

    def years(self) -> range:
        return range(int((self.as_of - self.window) / YEAR) + 1)


def diagnoses(ctx: Context, sink: Sink) -> None:
    """Condition and deficit codes on their onset day (only if the person was alive then)."""
    params = load_params()
    for name in params["conditions"]:
        idx = np.flatnonzero((ctx.conds[name] >= 0) & (ctx.conds[name] <= ctx.end))
        sink.add("condition_occurrence", idx, ctx.conds[name][idx], "condition", name)
    for name, spec in params["deficits"].items():
        onset = ctx.conds["deficit:" + name]
        idx = np.flatnonzero((onset >= 0) & (onset <= ctx.end))
        table = "observation" if name in OBSERVATION_DEFICITS else "condition_occurrence"
        sink.add(table, idx, onset[idx], "deficit", name)
        if "value" in spec:  # value-based form of the same deficit, half the time, as a measurement
            v = spec["value"]
            sub = idx[ctx.rng.random(idx.size) < 0.5]
            sink.add("measurement", sub, np.maximum(onset[sub], ctx.obs_start[sub]), "deficit_value", name,
                     value=np.round(v["low"] + ctx.rng.random(sub.size) * (v["high"] - v["low"]), 1))


def palliative_register(ctx: Context, rel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(person index, day added) for the palliative register: the first year a person is selected, with yearly
    probability ``palliative_per_expected_death`` x q ** ``palliative_prognosis_power``, q their expected
    yearly death probability (life-table rate at their age x their relative hazard; the power > 1 keeps the
    register to people with a poor prognosis), times ``palliative_cancer_factor`` with cancer, times the
    scale solved for the person's sub-ICB to its QOF palliative care prevalence, at most 0.9."""
    care = load_params()["care"]
    added = np.full(ctx.n, -1, dtype=np.int64)
    cancer = ctx.conds["cancer"] >= 0
    scale = palliative_scale(ctx.people)  # each sub-ICB's QOF palliative care prevalence
    for y in ctx.years():
        start = ctx.window + int(y * YEAR)
        q = 1 - np.exp(-life_table_rate(ctx.people, ctx.age_at(np.full(ctx.n, start), np.arange(ctx.n))) * rel)
        prob = np.minimum(scale * care["palliative_per_expected_death"] * q ** care["palliative_prognosis_power"]
                          * np.where(cancer, care["palliative_cancer_factor"], 1.0), 0.9)
        idx, d = ctx.yearly(added < 0, prob, y)
        added[idx] = d
    idx = np.flatnonzero(added >= 0)
    return idx, added[idx]


def registers_and_status(ctx: Context, sink: Sink, rel: np.ndarray) -> None:
    """Ethnicity, smoking, alcohol, carers, homelessness, asylum, language, palliative register."""
    params = load_params()
    care = params["care"]
    p, rng, n = ctx.people, ctx.rng, ctx.n
    first = np.maximum(ctx.obs_start, ctx.window)
    when = first + (rng.random(n) * np.maximum(ctx.end - first, 0)).astype(np.int64)
    for group in params["ethnicity"]["groups"]:
        idx = np.flatnonzero(p["eth_recorded"] & (p["eth16"] == int(group)))
        sink.add("observation", idx, when[idx], "ethnicity", group)
    adult = p["age"] >= 16
    smoker = adult & (rng.random(n) < np.array(care["smoking_current"]["share_by_decile_1_10"])[p["decile"] - 1])
    p["smoker"] = smoker
    drink = rng.choice(4, size=n, p=[0.3, 0.35, 0.3, 0.05])
    drink[ctx.conds["alcohol_problems"] >= 0] = 3
    drink_key = ["alcohol_non_drinker", "alcohol_light_drinker", "alcohol_moderate_drinker", "alcohol_heavy_drinker"]
    for y in ctx.years():
        idx, d = ctx.yearly(adult, care["smoking_recorded_per_year"], y)
        s = smoker[idx]
        sink.add("observation", idx[s], d[s], "cohort", "smoking_current")
        sink.add("observation", idx[~s], d[~s], "cohort", "smoking_status_any")
        idx, d = ctx.yearly(adult, care["alcohol_recorded_per_year"], y)
        for k, key in enumerate(drink_key):
            sel = drink[idx] == k
            sink.add("observation", idx[sel], d[sel], "cohort", key)
        idx, d = ctx.yearly(np.ones(n, bool), care["dna_per_year"], y)
        sink.add("observation", idx, d, "cohort", "did_not_attend")
    once = [("carer", adult & (rng.random(n) < care["carer_share"]))]
    for key, table in (("homeless", "cohort"), ("asylum", "extra"), ("first_language", "cohort")):
        share = care[{"homeless": "homeless_share", "asylum": "asylum_share",
                      "first_language": "first_language_non_english"}[key]]
        prob = np.vectorize(share.get)(p["place"]) * (1 + p["dep"])
        once.append((key, rng.random(n) < prob))
    for key, mask in once:
        idx = np.flatnonzero(mask & (ctx.end >= first))
        sink.add("observation", idx, when[idx], "extra" if key == "asylum" else "cohort",
                 "asylum_seeker" if key == "asylum" else key)
    # Palliative register by prognosis, not by outcome: each year a person joins it with a probability that
    # rises with their expected (not their realised) risk of dying in the year, as a clinician's "would you be
    # surprised if this person died in the next year?" does; so the register predicts deaths without being
    # made from them, and no outcome leaks into the risk models' features.
    idx, pal = palliative_register(ctx, rel)
    sink.add("observation", idx, pal, "cohort", "palliative_care")
    pal_of = np.full(n, -1, dtype=np.int64)
    pal_of[idx] = pal
    ni = idx[rng.random(idx.size) < care["palliative_not_indicated"]]
    sink.add("observation", ni, pal_of[ni] + 30, "cohort", "palliative_care_not_indicated")
    plan = idx[rng.random(idx.size) < care["end_of_life_care_plan"]]
    when_plan = pal_of[plan] + rng.integers(0, 60, plan.size)
    plan_ok = when_plan <= np.minimum(ctx.end[plan], ctx.as_of)
    sink.add("observation", plan[plan_ok], when_plan[plan_ok], "care_plan", "palliative_care")


def _uptake(ctx: Context, base: float) -> np.ndarray:
    odds = base / (1 - base) * load_params()["care"]["uptake_dep_or"] ** ctx.people["dep"]
    return odds / (1 + odds)


def processes(ctx: Context, sink: Sink) -> None:
    """BP, BMI, HbA1c, cholesterol, eGFR, QRISK; vaccinations; screening; care plans; SMI checks."""
    care = load_params()["care"]
    p, c, rng, n = ctx.people, ctx.conds, ctx.rng, ctx.n
    has = {k: v >= 0 for k, v in c.items()}
    cvd_risk = np.logical_or.reduce([has[k] for k in CVD_RISK])
    smi = has["severe_mental_illness"]
    age = p["age"]
    sbp_mean = 116 + 0.45 * np.maximum(age - 30, 0) + 4 * p["z"] + rng.normal(0, 9, n) + 6 * has["hypertension"]
    bmi_mean = 26 + 1.5 * p["dep"] + 2.5 * has["diabetes"] + rng.normal(0, 4.5, n)
    egfr_mean = np.where(has["ckd"], rng.uniform(30, 59, n), np.clip(105 - 0.6 * age + rng.normal(0, 10, n), 61, 120))
    egfr_mean = np.where(has["end_stage_renal_disease"], rng.uniform(8, 14, n), egfr_mean)
    a1c_mean = np.where(has["diabetes"], rng.normal(58, 12, n), rng.normal(37, 3, n))
    for y in ctx.years():
        bp_p = np.where(cvd_risk | smi, care["bp_per_year_ltc"], np.where(age >= 40, care["bp_per_year_40plus"], 0.08))
        idx, d = ctx.yearly(age >= 16, bp_p, y)
        sbp = np.round(sbp_mean[idx] + rng.normal(0, 9, idx.size))
        sink.add("measurement", idx, d, "cohort", "systolic_blood_pressure", value=sbp)
        sink.add("measurement", idx, d, "cohort", "diastolic_blood_pressure",
                 value=np.round(0.5 * sbp + 14 + rng.normal(0, 6, idx.size)))
        for key, mean, sd, prob in (
            ("bmi", bmi_mean, 0.8, np.where(cvd_risk | smi, 0.6, 0.2)),
            ("hba1c", a1c_mean, 4.0, np.where(has["diabetes"] | smi, 0.9, np.where(age >= 40, 0.1, 0.0))),
            ("cholesterol", 5.0 + 0.3 * p["z"], 0.6, np.where(cvd_risk | smi, 0.6, np.where(age >= 40, 0.1, 0.0))),
            ("egfr", egfr_mean, 4.0, np.where(cvd_risk, 0.8, np.where(age >= 50, 0.15, 0.0))),
        ):
            idx, d = ctx.yearly(age >= 16, prob, y)
            sink.add("measurement", idx, d, "cohort", key, value=np.round(mean[idx] + rng.normal(0, sd, idx.size), 1))
        no_cvd = (age >= 25) & (age < 85) & ~(has["chd"] | has["stroke_tia"] | has["peripheral_arterial_disease"])
        idx, d = ctx.yearly(no_cvd, 0.15, y)
        qrisk = np.exp(-3.3 + 0.075 * (age[idx] - 40) + 0.4 * p["male"][idx] + 0.5 * p["dep"][idx]
                       + 0.6 * cvd_risk[idx] + rng.normal(0, 0.4, idx.size)) * 100
        sink.add("measurement", idx, d, "cohort", "qrisk_score", value=np.round(np.clip(qrisk, 0.5, 75), 1))
        idx, d = ctx.yearly(smi, care["smi_check_component"], y)
        sink.add("observation", idx, d, "cohort", "alcohol_weekly_intake")
        idx, d = ctx.yearly(smi, care["smi_check_component"], y)
        sink.add("observation", idx, d, "cohort", "smoking_status_any")
        idx, d = ctx.yearly(has["dementia"] & (c["dementia"] < ctx.window + int(y * YEAR)), care["dementia_care_plan"], y)
        sink.add("observation", idx, d, "cohort", "dementia_care_plan")
        _ld_health_check(ctx, sink, y)
        _seasonal(ctx, sink, y, cvd_risk)
        for key, lo_age, hi_age, female, every, cover in (
            ("cervical_screening", 25, 65, True, 3.5, care["cervical_coverage"]),
            ("breast_screening", 50, 71, True, 3, care["breast_coverage"]),
            ("bowel_screening", 60, 75, False, 2, care["bowel_coverage"]),
        ):
            elig = (age >= lo_age) & (age < hi_age) & (~p["male"] if female else True)
            idx, d = ctx.yearly(elig, _uptake(ctx, cover) / every, y)
            sink.add("procedure_occurrence", idx, d, "cohort", key)


def _ld_health_check(ctx: Context, sink: Sink, y: int) -> None:
    """Annual health check for people on the LD register aged 14+, most with a health action plan."""
    care = load_params()["care"]
    onset = ctx.conds["learning_disability"]
    year_start = ctx.window + int(y * YEAR)
    eligible = (onset >= 0) & (ctx.age_at(np.full(ctx.n, year_start), np.arange(ctx.n)) >= 14)
    idx, d = ctx.yearly(eligible, care["ld_health_check"], y)
    on_register = d >= onset[idx]
    idx, d = idx[on_register], d[on_register]
    sink.add("procedure_occurrence", idx, d, "extra", "ld_health_check")
    plan = ctx.rng.random(idx.size) < care["ld_health_action_plan"]
    sink.add("observation", idx[plan], d[plan], "extra", "ld_health_action_plan")


def _seasonal(ctx: Context, sink: Sink, y: int, at_risk: np.ndarray) -> None:
    care = load_params()["care"]
    season = ctx.window + int(y * YEAR) + 243  # 1 September
    if season > ctx.as_of:
        return
    age = ctx.age_at(np.full(ctx.n, season), np.arange(ctx.n))
    flu_p = np.where(age >= 65, _uptake(ctx, care["flu_uptake_65"]), np.where(at_risk, _uptake(ctx, care["flu_uptake_risk"]), 0.0))
    d = season + ctx.rng.integers(0, 120, ctx.n)
    ok = (ctx.rng.random(ctx.n) < flu_p) & (d >= ctx.obs_start) & (d <= ctx.end) & (d <= ctx.as_of)
    sink.add("procedure_occurrence", np.flatnonzero(ok), d[ok], "cohort", "flu_vaccination")
    if y >= 2:  # COVID-19 autumn campaigns from 2021
        cov = np.where((age >= 65) | at_risk, _uptake(ctx, care["covid_uptake_65"]), 0.0)
        ok = (ctx.rng.random(ctx.n) < cov) & (d >= ctx.obs_start) & (d <= ctx.end) & (d <= ctx.as_of)
        sink.add("procedure_occurrence", np.flatnonzero(ok), d[ok], "cohort", "covid_vaccination")
    turning = (age >= 65) & (age < 66)
    ok = turning & (ctx.rng.random(ctx.n) < care["pneumo_uptake_65"]) & (d <= ctx.end) & (d <= ctx.as_of)
    sink.add("procedure_occurrence", np.flatnonzero(ok), d[ok], "cohort", "pneumococcal_vaccination")
    turning = (age >= 70) & (age < 71)
    ok = turning & (ctx.rng.random(ctx.n) < care["shingles_uptake_70s"]) & (d <= ctx.end) & (d <= ctx.as_of)
    sink.add("procedure_occurrence", np.flatnonzero(ok), d[ok], "cohort", "shingles_vaccination")


def history_before_window(ctx: Context, sink: Sink) -> None:
    """Pneumococcal and shingles vaccines given before the window to people already past those ages."""
    care = load_params()["care"]
    age0 = ctx.age_at(np.full(ctx.n, ctx.window), np.arange(ctx.n))
    for key, at, share in (("pneumococcal_vaccination", 65, care["pneumo_uptake_65"]),
                           ("shingles_vaccination", 70, care["shingles_uptake_70s"])):
        given = ctx.people["dob"] + int(at * YEAR) + 100
        ok = (age0 >= at) & (age0 < at + 15) & (ctx.rng.random(ctx.n) < share) & (given <= ctx.end)
        idx = np.flatnonzero(ok)
        sink.add("procedure_occurrence", idx, given[idx], "cohort", key)


def medication_reviews(ctx: Context, sink: Sink, n_current: np.ndarray) -> None:
    care = load_params()["care"]
    for y in ctx.years():
        prob = np.where(n_current >= 5, care["medication_review_poly"], np.where(n_current > 0, 0.3, 0.0))
        idx, d = ctx.yearly(n_current > 0, prob, y)
        sink.add("observation", idx, d, "cohort", "medication_review")

