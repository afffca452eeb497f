"""A second tiny population for the spec tests of the published definitions (test_spec_truth.py).

Each person is built for one rule, written from its published source, not from the engine's output:
- eFI (Clegg 2016): people 70+ with exactly 4, 5, 8, 9, 12 and 13 of the 36 deficits: fit <= 0.12 (0-4 of
  36), mild <= 0.24 (5-8), moderate <= 0.36 (9-12), severe above (13+);
- SNOMED-coded eGFR below 60 is the CKD deficit; implausible values (eGFR -2.9, BMI 4) are ignored;
- Read v2 ``1612.`` is appetite loss (an eFI deficit), the CTV3 code of the same characters an eating disorder;
- a code in both the rheumatoid-arthritis and the chronic-pain lists is one condition (RA);
- the Cambridge Multimorbidity Score is for adults (Payne 2020): a child with COPD scores 0.
Care gaps and registers (QOF business rules, the national flu and COVID-19 letters, NCD LD health checks):
- 120: LD register, health check and a later health action plan in 12 months: neither gap;
- 121: LD register, health action plan recorded before this year's check: the check is met, the plan is not;
- 122: palliative register with an end-of-life care plan: no care-plan gap (a dementia plan is not needed);
- 123: dementia register, dementia care plan 13 months ago: a care-plan gap (12-month window);
- 124: COPD, aged 40, flu this season and pneumococcal ever, no COVID: in the 2024-25 season COPD was a
  COVID risk group, so the bundle is not met; 125 the same in the 2025-26 season (index 2025-12-15 in
  test_spec_truth.next_season, index 2025-12-15): only 75+ were offered COVID, so it is met;
- 126: 65 on the index date (2025-06-30) but 64 on 31 March 2025: not eligible for the 2024-25 flu vaccine;
  132: 64 on 2025-12-15 and 65 on 31 March 2026: eligible in 2025-26; 127: total hysterectomy, out of cervical
  screening;
- 128: asthma diagnosis, no asthma medicine in 12 months: not on the QOF asthma register (an LTC still);
  129: the same with salbutamol issued in 12 months: on it; 130: epilepsy 18+, treated: on the register;
- 131: schizophrenia then "schizophrenia in remission": off the QOF SMI register.
"""

from __future__ import annotations

from datetime import date

from pophealth.phm.codelists import package_codelists, value_rules
from pophealth.phm.frailty import EFI_DEFICITS
from tests.phm.spec_data import cond, drug, lsoa, meas, obs, period, person, proc

T = date(2025, 6, 30)
EFI_PEOPLE = {101: 4, 102: 5, 103: 8, 104: 9, 105: 12, 106: 13}  # person -> deficits recorded
CODE_DEFICITS = [d for d in EFI_DEFICITS if d != "polypharmacy"]


def snomed_egfr_code() -> str:
    rules = value_rules()
    row = rules[(rules.deficit == "chronic_kidney_disease") & (rules.high == 60) & (rules.system == "snomedct")]
    assert not row.empty, "no SNOMED CT eGFR rule"
    return row.code.iloc[0]


def shared_code(a: str, b: str) -> str:
    """A SNOMED CT code in exactly the lists ``a`` and ``b``."""
    c = package_codelists()
    lists = c.groupby("code").list_id.nunique()
    both = set(c.code[c.list_id == a]) & set(c.code[c.list_id == b])
    picks = sorted(x for x in both if lists[x] == 2 and x.isdigit())
    assert picks, f"no code in both {a} and {b}"
    return picks[0]


def list_code(list_id: str, system: str) -> str:
    c = package_codelists()
    return sorted(c.code[(c.list_id == list_id) & (c.system == system)])[0]


def tables() -> dict[str, list[dict]]:
    d = date
    people = [person(pid, d(1950, 3, 1)) for pid in EFI_PEOPLE]
    people += [person(110, d(1950, 3, 1), "M"), person(111, d(1970, 1, 1)), person(112, d(2015, 1, 1), "M")]
    conds = [cond(pid, f"efi.{name}", d(2020, 1, 1))
             for pid, n in EFI_PEOPLE.items() for name in CODE_DEFICITS[:n]]
    ra_and_pain = shared_code("ltc.rheumatoid_arthritis", "ltc.painful_condition")
    conds.append(dict(cond(111, "ltc.rheumatoid_arthritis", d(2019, 1, 1)), condition_source_value=ra_and_pain))
    conds.append(cond(112, "ltc.copd", d(2022, 1, 1)))
    # care gaps and registers
    people += [person(120, d(1990, 1, 1)), person(121, d(1990, 1, 1), "M"), person(122, d(1940, 1, 1)),
               person(123, d(1940, 1, 1), "M"), person(124, d(1985, 1, 1), "M"), person(125, d(1985, 1, 1)),
               person(126, d(1960, 5, 1), "M"), person(132, d(1961, 2, 15), "M"), person(127, d(1975, 1, 1)), person(128, d(1980, 1, 1)),
               person(129, d(1980, 1, 1), "M"), person(130, d(1980, 1, 1)), person(131, d(1980, 1, 1), "M")]
    conds += [cond(123, "ltc.dementia", d(2020, 1, 1)), cond(124, "ltc.copd", d(2015, 1, 1)),
              cond(125, "ltc.copd", d(2015, 1, 1)), cond(128, "ltc.asthma", d(2010, 1, 1)),
              cond(129, "ltc.asthma", d(2010, 1, 1)), cond(130, "ltc.epilepsy", d(2010, 1, 1))]
    smi = [dict(obs(131, "register.severe_mental_illness", d(2015, 1, 1)), observation_source_value="58214004"),
           dict(obs(131, "register.severe_mental_illness.remission", d(2023, 1, 1)),
                observation_source_value="4926007")]  # schizophrenia; schizophrenia in remission (MH_COD)
    observations = [
        obs(120, "register.learning_disability", d(2010, 1, 1)), obs(121, "register.learning_disability", d(2010, 1, 1)),
        obs(120, "", d(2025, 2, 1), code="9HB4."), obs(121, "", d(2024, 12, 1), code="9HB4."),
        obs(122, "care.palliative_register", d(2025, 1, 1)), obs(122, "care.end_of_life_care_plan", d(2025, 2, 1)),
        obs(123, "care.dementia_care_plan", d(2024, 6, 1)),
        obs(127, "care.hysterectomy", d(2015, 1, 1)), *smi]
    procs = [proc(120, "care.bowel_screening", d(2025, 1, 15)) | {"procedure_source_value": "69DB."},
             proc(121, "care.bowel_screening", d(2025, 1, 15)) | {"procedure_source_value": "69DB."}]
    for pid in (124, 125):
        procs += [proc(pid, "care.flu_vaccination", d(2024, 10, 1)), proc(pid, "care.flu_vaccination", d(2025, 10, 1)),
                  proc(pid, "care.pneumococcal_vaccination", d(2016, 1, 1))]
    drugs = [drug(129, "372897005", d(2025, 3, 1)), drug(128, "372897005", d(2023, 3, 1)),
             drug(130, "387000003", d(2025, 5, 1))]
    egfr = snomed_egfr_code()
    return {
        "person": people,
        "observation_period": [period(p["person_id"]) for p in people],
        "location_lsoa": [dict(location_id=1, lsoa21_code="E01000001")],
        "geo_lsoa21": [lsoa("E01000001", 5, "Charnwood")],
        "care_site_practice": [dict(care_site_id=1, practice_code="C00001", pcn_code="U00001")],
        "condition_occurrence": conds,
        "observation": [obs(110, "", d(2024, 5, 1), code="1612."), *observations],  # 1612.: Read v2 appetite loss
        "procedure_occurrence": procs,
        "drug_exposure": drugs,
        "measurement": [
            meas(110, egfr, d(2024, 3, 1), 45.0),  # SNOMED CT eGFR < 60: CKD deficit
            meas(111, egfr, d(2024, 3, 1), -2.9),  # implausible: no deficit, no latest eGFR
            meas(111, list_code("care.bmi", "snomedct"), d(2024, 3, 1), 4.0),  # implausible BMI
            meas(111, list_code("care.bmi", "snomedct"), d(2023, 3, 1), 27.5),
        ],
    }
