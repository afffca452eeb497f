"""Care gaps: who is eligible for each recommended check and whether it was done (PHM.md §7).

Each rule gives, for everyone in an extract, ``eligible`` and ``met``; a gap is open when a person is
eligible and it was not met. Windows run up to the index date. The learning-disability health check
and lipid optimisation are not here: their code lists are not in the reference folder (PHM.md §7).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from pophealth.care.features import Facts, season_start

Conditions = dict[str, pd.Series]
SMI_COMPONENTS = {
    "BMI": ("cohort:bmi",),
    "blood pressure": ("cohort:blood_pressure", "cohort:systolic_blood_pressure"),
    "cholesterol": ("cohort:cholesterol",),
    "HbA1c": ("cohort:hba1c",),
    "alcohol status": ("cohort:alcohol_heavy_drinker", "cohort:alcohol_moderate_drinker", "cohort:alcohol_light_drinker",
                       "cohort:alcohol_non_drinker", "cohort:alcohol_weekly_intake"),
    "smoking status": ("cohort:smoking_status_any", "cohort:smoking_current"),
}
FLU_RISK = ("copd", "asthma", "diabetes", "ckd", "chd", "heart_failure", "stroke_tia")


@dataclass(frozen=True)
class GapRule:
    name: str
    label: str
    eligible: Callable[[Facts, Conditions], pd.Series]
    met: Callable[[Facts, Conditions], pd.Series]
    core20plus5: bool = False  # one of the Core20PLUS5 clinical areas


def _cond(conditions: Conditions, name: str, facts: Facts) -> pd.Series:
    return conditions.get(name, pd.Series(False, index=facts.index))


def _in_season(facts: Facts, key: str) -> pd.Series:
    return facts.last_date(key) >= season_start(facts.extract.as_of)


def _smi_checks_done(f: Facts, c: Conditions) -> pd.Series:
    done = [f.within(12, *keys) for keys in SMI_COMPONENTS.values()]
    return pd.concat(done, axis=1).all(axis=1)


def _bp_to_target(f: Facts, c: Conditions) -> pd.Series:
    """Latest BP in 12 months <= 140/90 (under 80) or <= 150/90 (80 and over), QOF HYP008/HYP009."""
    recent = f.within(12, "cohort:systolic_blood_pressure")
    limit = f.age.ge(80).map({True: 150, False: 140})
    sbp, dbp = f.last_value("cohort:systolic_blood_pressure"), f.last_value("cohort:diastolic_blood_pressure")
    return recent & (sbp <= limit) & (dbp.isna() | (dbp <= 90))


def _cervical_done(f: Facts, c: Conditions) -> pd.Series:
    months = f.age.lt(50).map({True: 42, False: 66})
    last = f.last_date("cohort:cervical_screening")
    start = pd.Series([f.as_of - pd.DateOffset(months=int(m)) for m in months], index=f.index)
    return last > start


def _copd_bundle(f: Facts, c: Conditions) -> pd.Series:
    return (_in_season(f, "cohort:flu_vaccination") & f.has("cohort:pneumococcal_vaccination")
            & _in_season(f, "cohort:covid_vaccination"))


GAPS: tuple[GapRule, ...] = (
    GapRule("smi_physical_health_check", "Severe mental illness: all six physical health checks in 12 months",
            lambda f, c: (_cond(c, "severe_mental_illness", f) | f.has("cohort:severe_mental_illness")) & (f.age >= 18),
            _smi_checks_done, core20plus5=True),
    GapRule("htn_treated_to_target", "Hypertension: blood pressure to target in 12 months",
            lambda f, c: _cond(c, "hypertension", f), _bp_to_target, core20plus5=True),
    GapRule("copd_vaccination_bundle", "COPD: flu and COVID this season, pneumococcal ever",
            lambda f, c: _cond(c, "copd", f), _copd_bundle, core20plus5=True),
    GapRule("htn_bp_check", "Blood pressure check in 5 years (40 and over, no hypertension)",
            lambda f, c: (f.age >= 40) & ~_cond(c, "hypertension", f),
            lambda f, c: f.within(60, "cohort:blood_pressure", "cohort:systolic_blood_pressure")),
    GapRule("flu_vaccination", "Flu vaccination this season (65 and over or at clinical risk)",
            lambda f, c: (f.age >= 65) | pd.concat([_cond(c, k, f) for k in FLU_RISK], axis=1).any(axis=1),
            lambda f, c: _in_season(f, "cohort:flu_vaccination")),
    GapRule("pneumococcal_vaccination", "Pneumococcal vaccination (65 and over or COPD)",
            lambda f, c: (f.age >= 65) | _cond(c, "copd", f), lambda f, c: f.has("cohort:pneumococcal_vaccination")),
    GapRule("shingles_vaccination", "Shingles vaccination (70 to 79)",
            lambda f, c: f.age.between(70, 79), lambda f, c: f.has("cohort:shingles_vaccination")),
    GapRule("cervical_screening", "Cervical screening (women 25 to 64; 3.5 or 5.5 years)",
            lambda f, c: f.female & f.age.between(25, 64), _cervical_done),
    GapRule("breast_screening", "Breast screening in 36 months (women 53 to 70)",
            lambda f, c: f.female & f.age.between(53, 70), lambda f, c: f.within(36, "cohort:breast_screening")),
    GapRule("bowel_screening", "Bowel screening in 30 months (60 to 74)",
            lambda f, c: f.age.between(60, 74), lambda f, c: f.within(30, "cohort:bowel_screening")),
)
GAP_LABELS = {g.name: g.label for g in GAPS}


def gap_table(facts: Facts, conditions: Conditions) -> pd.DataFrame:
    """One column per gap: "open", "met" or None (not eligible)."""
    out = {}
    for rule in GAPS:
        eligible = rule.eligible(facts, conditions).fillna(False).astype(bool)
        met = rule.met(facts, conditions).fillna(False).astype(bool)
        out[rule.name] = pd.Series(None, index=facts.index, dtype=object).mask(eligible & met, "met").mask(eligible & ~met, "open")
    return pd.DataFrame(out, index=facts.index)
