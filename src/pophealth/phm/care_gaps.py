"""Care gaps (PHM.md §7-8): for each person in a gap's denominator, whether the care is due and not done.

Windows end on the index date and include both ends. A gap whose numerator codes are missing for part of
its denominator says so in ``partial`` (the summary lists it): the care plan of people with severe frailty
or 8+ LTCs and no dementia or palliative care needs personalised-care-plan codes the reference lacks.

Vaccination seasons open on 1 September and close on 31 March; eligibility by age is the age on 31 March
(the national flu and COVID-19 letters), not on the index date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

from pophealth.phm.context import PhmContext

FLU_RISK_REGISTERS = ("copd", "asthma", "diabetes", "ckd", "chd", "heart_failure", "stroke_tia")
ALCOHOL = ("care.alcohol_weekly_intake", "care.alcohol_non_drinker", "care.alcohol_light_drinker",
           "care.alcohol_moderate_drinker", "care.alcohol_heavy_drinker")
SMOKING = ("care.smoking_status_any", "care.smoking_current")
BP = ("care.blood_pressure", "care.systolic_blood_pressure")
CARE_PLANS = ("care.dementia_care_plan", "care.end_of_life_care_plan")
LD_CHECK, LD_PLAN = "care.ld_health_check", "care.ld_health_action_plan"
CARE_LISTS = (*ALCOHOL, *SMOKING, *BP, "care.diastolic_blood_pressure", "care.bmi", "care.cholesterol",
              "care.hba1c", "care.cervical_screening", "care.breast_screening", "care.bowel_screening",
              "care.flu_vaccination", "care.pneumococcal_vaccination", "care.covid_vaccination",
              *CARE_PLANS, LD_CHECK, LD_PLAN, "care.hysterectomy", "care.housebound", "efi.housebound")
# Autumn COVID-19 programme by season (JCVI advice): age on 31 March at least ``min_age``, or in a clinical risk
# group (COPD is one) when ``clinical_risk``. From autumn 2025 only 75+ (and the immunosuppressed) are offered it.
COVID_AUTUMN = {2021: (50, True), 2022: (50, True), 2023: (65, True), 2024: (65, True), 2025: (75, False)}


def last_column(list_id: str) -> str:
    return "last_" + list_id.replace(".", "_")


@dataclass(frozen=True)
class CareGap:
    name: str
    label: str
    target: float | None
    denominator: Callable[[ir.Table, PhmContext], ir.BooleanValue]
    met: Callable[[ir.Table, PhmContext], ir.BooleanValue]
    lists: tuple[str, ...] = ()  # their latest date is reported as ``last_done``
    codes_available: bool = True
    partial: str | None = None  # what part of the denominator has no codes for the numerator


def _latest(f: ir.Table, lists: tuple[str, ...]) -> ir.DateValue:
    cols = [f[last_column(x)] for x in lists]
    return cols[0] if len(cols) == 1 else ibis.greatest(*cols)


def done_since(f: ir.Table, lists: tuple[str, ...], since: dt.date) -> ir.BooleanValue:
    """Any of ``lists`` recorded on or after ``since`` (up to the index date)."""
    expr = ibis.literal(False)
    for x in lists:
        expr |= (f[last_column(x)] >= since).fill_null(False)
    return expr


def season_start(index_date: dt.date) -> dt.date:
    """The 1 September that opens the flu (and autumn COVID) season containing the index date."""
    year = index_date.year if index_date.month >= 9 else index_date.year - 1
    return dt.date(year, 9, 1)


def season_end(index_date: dt.date) -> dt.date:
    """The 31 March that closes the season containing the index date (the age-eligibility date)."""
    return dt.date(season_start(index_date).year + 1, 3, 31)


def covid_autumn_eligible(f: ir.Table, c: PhmContext) -> ir.BooleanValue:
    """Offered this season's autumn COVID-19 vaccine: by age on 31 March, or a clinical risk group (COPD)."""
    year = season_start(c.index_date).year
    if year < min(COVID_AUTUMN):
        return ibis.literal(False)
    min_age, risk = COVID_AUTUMN[min(year, max(COVID_AUTUMN))]
    return (f.age_season_end >= min_age) | ibis.literal(risk)


def _female_aged(f: ir.Table, lo: int, hi: int) -> ir.BooleanValue:
    return (f.sex == "F") & f.age.between(lo, hi)


def _bp_to_target(f: ir.Table, c: PhmContext) -> ir.BooleanValue:
    recent = (f.sbp_date >= c.days_before(365)).fill_null(False)
    limit = (f.age >= 80).ifelse(150, 140)
    return recent & (f.sbp_latest <= limit).fill_null(False) & (f.dbp_latest <= 90).fill_null(False)


def _flu_eligible(f: ir.Table, c: PhmContext) -> ir.BooleanValue:
    risk = ibis.literal(False)
    for r in FLU_RISK_REGISTERS:
        risk |= f[f"reg_{r}"]
    return (f.age_season_end >= 65) | risk


def _smi_checks(f: ir.Table, c: PhmContext) -> ir.BooleanValue:
    since = c.days_before(365)
    ok = ibis.literal(True)
    for group in (("care.bmi",), BP, ("care.cholesterol",), ("care.hba1c",), ALCOHOL, SMOKING):
        ok &= done_since(f, group, since)
    return ok


def _cervical(f: ir.Table, c: PhmContext) -> ir.BooleanValue:
    young = done_since(f, ("care.cervical_screening",), c.days_before(1278))  # 3.5 years
    older = done_since(f, ("care.cervical_screening",), c.days_before(2009))  # 5.5 years
    return (f.age < 50).ifelse(young, older)


def _vulnerable(f: ir.Table, c: PhmContext) -> ir.BooleanValue:
    return f.reg_dementia | f.reg_palliative_care | (f.efi_category == "severe").fill_null(False) | (f.ltc_count >= 8)


def _care_plan(f: ir.Table, c: PhmContext) -> ir.BooleanValue:
    """A care plan of the kind the person's group needs, in 12 months: a dementia care plan for people on the
    dementia register, an end-of-life care plan for people on the palliative care register. Severe frailty and
    8+ LTCs call for a personalised care and support plan, whose codes are not loaded: either plan counts."""
    since = c.days_before(365)
    dementia = done_since(f, ("care.dementia_care_plan",), since)
    end_of_life = done_since(f, ("care.end_of_life_care_plan",), since)
    other = ~(f.reg_dementia | f.reg_palliative_care)
    return (f.reg_dementia & dementia) | (f.reg_palliative_care & end_of_life) | (other & (dementia | end_of_life))


def _copd_bundle(f: ir.Table, c: PhmContext) -> ir.BooleanValue:
    season = season_start(c.index_date)
    covid = ~covid_autumn_eligible(f, c) | done_since(f, ("care.covid_vaccination",), season)
    return (done_since(f, ("care.flu_vaccination",), season) & f[last_column("care.pneumococcal_vaccination")].notnull()
            & covid)


def _ld_plan(f: ir.Table, c: PhmContext) -> ir.BooleanValue:
    """A health action plan in 12 months dated on or after the health check it follows (NCD rule)."""
    plan, check = f[last_column(LD_PLAN)], f[last_column(LD_CHECK)]
    return done_since(f, (LD_PLAN,), c.days_before(365)) & (plan >= check).fill_null(False)


def _no_hysterectomy(f: ir.Table) -> ir.BooleanValue:
    return f[last_column("care.hysterectomy")].isnull()


CARE_GAPS: tuple[CareGap, ...] = (
    CareGap("ld_annual_health_check", "LD annual health check in 12 months (LD register, 14+)", 0.75,
            lambda f, c: f.reg_learning_disability_qof & (f.age >= 14),
            lambda f, c: done_since(f, (LD_CHECK,), c.days_before(365)), (LD_CHECK,)),
    CareGap("ld_health_action_plan", "LD health action plan in 12 months, after the check (pledge 9)", 0.75,
            lambda f, c: f.reg_learning_disability_qof & (f.age >= 14), _ld_plan, (LD_PLAN,)),
    CareGap("smi_physical_health_check", "SMI: all six physical health checks in 12 months", 0.60,
            lambda f, c: f.reg_severe_mental_illness_qof & (f.age >= 18), _smi_checks,
            ("care.bmi", *BP, "care.cholesterol", "care.hba1c")),
    CareGap("htn_bp_check", "Hypertension case-finding: BP in 5 years (40+, not on register)", None,
            lambda f, c: (f.age >= 40) & ~f.reg_hypertension,
            lambda f, c: done_since(f, BP, c.days_before(1826)), BP),
    CareGap("htn_possible_undiagnosed", "Latest BP >= 140/90 with no hypertension diagnosis (18+)", None,
            lambda f, c: (f.age >= 18) & ~f.reg_hypertension & f.sbp_latest.notnull(),
            lambda f, c: ~((f.sbp_latest >= 140) | (f.dbp_latest >= 90).fill_null(False)), BP),
    CareGap("htn_treated_to_target", "Hypertension: last BP in 12 months at target (140/90; 150/90 at 80+)", 0.80,
            lambda f, c: f.reg_hypertension, _bp_to_target, BP),
    CareGap("cervical_screening", "Cervical screening (women 25-64, no total hysterectomy; 3.5 / 5.5 years)", 0.80,
            lambda f, c: _female_aged(f, 25, 64) & _no_hysterectomy(f), _cervical, ("care.cervical_screening",)),
    CareGap("breast_screening", "Breast screening in 36 months (women 53-70)", 0.70,
            lambda f, c: _female_aged(f, 53, 70),
            lambda f, c: done_since(f, ("care.breast_screening",), c.days_before(1096)), ("care.breast_screening",)),
    CareGap("bowel_screening", "Bowel screening in 30 months (60-74)", 0.60,
            lambda f, c: f.age.between(60, 74),
            lambda f, c: done_since(f, ("care.bowel_screening",), c.days_before(913)), ("care.bowel_screening",)),
    CareGap("flu_vaccination", "Flu vaccine this season (65+ on 31 March or clinical risk group)", 0.75, _flu_eligible,
            lambda f, c: done_since(f, ("care.flu_vaccination",), season_start(c.index_date)),
            ("care.flu_vaccination",)),
    CareGap("copd_vaccination_bundle", "COPD: flu this season, pneumococcal ever, COVID this season if offered", None,
            lambda f, c: f.reg_copd, _copd_bundle, ("care.flu_vaccination",)),
    CareGap("care_plan_vulnerable", "Care plan in 12 months (dementia, palliative, severe frailty, 8+ LTCs)", 0.95,
            _vulnerable, _care_plan, CARE_PLANS,
            partial="severe frailty or 8+ LTCs without dementia or palliative care: no personalised care and "
                    "support plan codes loaded, so a dementia or end-of-life care plan is required"),
    CareGap("ethnicity_recorded", "Ethnicity recorded (one of the 16 NHS categories)", 0.95,
            lambda f, c: ibis.literal(True), lambda f, c: f.ethnic_group16.notnull()),
    CareGap("smoking_status_recorded", "Smoking status in 12 months (15+)", None,
            lambda f, c: f.age >= 15, lambda f, c: done_since(f, SMOKING, c.days_before(365)), SMOKING),
)


def care_gaps(facts: ir.Table, ctx: PhmContext) -> ir.Table:
    """``person_id, care_gap, gap, last_done`` for each person in each gap's denominator."""
    parts = []
    for g in CARE_GAPS:
        rows = facts.filter(g.denominator(facts, ctx).fill_null(False))
        last = _latest(rows, g.lists) if g.lists else ibis.null("date")
        parts.append(rows.select("person_id", care_gap=ibis.literal(g.name),
                                 gap=~g.met(rows, ctx).fill_null(False), last_done=last.cast("date")))
    return ibis.union(*parts)
