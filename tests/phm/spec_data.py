"""The tiny population of the PHM spec tests: each person is built to exercise named rules.

Index date 2025-06-30. Codes are picked from the shipped lists by list id, choosing a code that belongs
to that list only, so a record counts exactly where the test says it does.
"""

from __future__ import annotations

import itertools
from datetime import date

import pandas as pd

from pophealth.phm.codelists import package_codelists, value_rules

T = date(2025, 6, 30)
_ids = itertools.count(1)


def only_in(list_id: str) -> str:
    """A code of ``list_id`` that is in no other list (SNOMED CT first)."""
    codes = package_codelists()
    lists_per_code = codes.groupby("code").list_id.nunique()
    mine = codes[(codes.list_id == list_id) & (codes.code.map(lists_per_code) == 1)]
    if mine.empty:
        mine = codes[codes.list_id == list_id]
    assert not mine.empty, f"no codes for {list_id}"
    return mine.sort_values(["system", "code"], key=lambda s: s != "snomedct" if s.name == "system" else s).code.iloc[0]


def egfr_rule_code() -> str:
    rules = value_rules()
    row = rules[(rules.deficit == "chronic_kidney_disease") & (rules.high == 60)]
    return row.code.iloc[0]


def person(pid, born, sex="F", location=1, care_site=1):
    return dict(person_id=pid, gender_concept_id=8532 if sex == "F" else 8507, year_of_birth=born.year,
                month_of_birth=born.month, day_of_birth=born.day, race_concept_id=0, ethnicity_concept_id=0,
                location_id=location, care_site_id=care_site)


def period(pid, start=date(2000, 1, 1), end=date(2025, 12, 31)):
    return dict(observation_period_id=next(_ids), person_id=pid, observation_period_start_date=start,
                observation_period_end_date=end, period_type_concept_id=32817)


def cond(pid, list_id, when):
    return dict(condition_occurrence_id=next(_ids), person_id=pid, condition_concept_id=0, condition_start_date=when,
                condition_type_concept_id=32817, condition_source_value=only_in(list_id))


def obs(pid, list_id, when, code=None):
    return dict(observation_id=next(_ids), person_id=pid, observation_concept_id=0, observation_date=when,
                observation_type_concept_id=32817, observation_source_value=code or only_in(list_id))


def meas(pid, code, when, value):
    return dict(measurement_id=next(_ids), person_id=pid, measurement_concept_id=0, measurement_date=when,
                measurement_type_concept_id=32817, value_as_number=value, measurement_source_value=code)


def proc(pid, list_id, when):
    return dict(procedure_occurrence_id=next(_ids), person_id=pid, procedure_concept_id=0, procedure_date=when,
                procedure_type_concept_id=32817, procedure_source_value=only_in(list_id))


def drug(pid, code, when):
    return dict(drug_exposure_id=next(_ids), person_id=pid, drug_concept_id=0, drug_exposure_start_date=when,
                drug_exposure_end_date=when, drug_type_concept_id=32817, drug_source_value=code)


def visit(pid, concept, when):
    return dict(visit_occurrence_id=next(_ids), person_id=pid, visit_concept_id=concept, visit_start_date=when,
                visit_end_date=when, visit_type_concept_id=32817)


def lsoa(code, decile, ltla):
    return dict(lsoa21_code=code, lsoa21_name=code, ltla_code="E0", ltla_name=ltla, utla_code="E0", utla_name=ltla,
                sub_icb_code="04C", imd2025_decile=decile, imd2025_rank=1, pop_total=1500)


def tables() -> dict[str, list[dict]]:
    d = date
    people = [person(1, d(1950, 1, 1)), person(2, d(1985, 1, 1), "M", location=2), person(3, d(1995, 1, 1), location=2),
              person(4, d(1955, 1, 1), "M"), person(5, d(1957, 1, 1), "M"), person(6, d(2025, 1, 1), "M"),
              person(7, d(1959, 1, 1)), person(8, d(1980, 1, 1), "M")]
    return {
        "person": people,
        "observation_period": [period(p) for p in (1, 2, 3, 5, 6, 7, 8)] + [period(4, end=d(2024, 12, 31))],
        "death": [dict(person_id=5, death_date=d(2025, 1, 1), death_type_concept_id=32817)],
        "location_lsoa": [dict(location_id=1, lsoa21_code="E01000001"), dict(location_id=2, lsoa21_code="E01000002")],
        "geo_lsoa21": [lsoa("E01000001", 7, "Rutland"), lsoa("E01000002", 1, "Leicester")],
        "care_site_practice": [dict(care_site_id=1, practice_code="C00001", pcn_code="U00001")],
        "condition_occurrence": [
            # person 1: asthma resolved later (inactive); heart failure resolved before its latest diagnosis (active)
            cond(1, "ltc.asthma", d(2010, 1, 1)), cond(1, "ltc.diabetes", d(2020, 1, 1)),
            cond(1, "ltc.hypertension", d(2018, 1, 1)), cond(1, "ltc.copd", d(2019, 1, 1)),
            cond(1, "ltc.heart_failure", d(2021, 1, 1)),
            cond(1, "efi.falls", d(2024, 1, 1)), cond(1, "efi.dizziness", d(2023, 1, 1)),
            cond(1, "efi.sleep_disturbance", d(2022, 1, 1)),
            cond(1, "ltc.dementia", d(2026, 1, 1)),  # after the index date: ignored
            # person 2: five LTCs (cancer recent), anxiety and depression one CMS item
            cond(2, "ltc.cancer", d(2022, 1, 1)), cond(2, "ltc.anxiety", d(2025, 1, 1)),
            cond(2, "ltc.depression", d(2024, 1, 1)), cond(2, "ltc.epilepsy", d(2010, 1, 1)),
            cond(2, "ltc.psoriasis", d(2012, 1, 1)),
            # person 3: cancer over 5 years ago (register yes, LTC no)
            cond(3, "ltc.cancer", d(2015, 1, 1)),
            cond(7, "ltc.dementia", d(2023, 5, 1)),
        ],
        "observation": [
            obs(1, "ltc.asthma.resolved", d(2015, 1, 1)), obs(1, "ltc.heart_failure.resolved", d(2020, 1, 1)),
            obs(3, "register.learning_disability", d(2012, 1, 1)), obs(3, "ethnicity.8", d(2020, 1, 1)),
            obs(7, "care.palliative_register", d(2024, 1, 1)),
            obs(7, "care.palliative_care_not_indicated", d(2024, 6, 1)),
            obs(8, "care.homeless", d(2019, 1, 1)),
        ],
        "measurement": [
            meas(1, egfr_rule_code(), d(2024, 3, 1), 45.0),  # eGFR < 60: CKD deficit by value
            meas(8, only_in("care.systolic_blood_pressure"), d(2025, 2, 1), 150.0),
            meas(8, only_in("care.diastolic_blood_pressure"), d(2025, 2, 1), 85.0),
        ],
        "procedure_occurrence": [proc(1, "care.flu_vaccination", d(2024, 10, 1)),
                                 proc(7, "care.flu_vaccination", d(2024, 3, 1))],  # last season: not this one
        "drug_exposure": [drug(1, f"drug{i}", d(2025, 1, i + 1)) for i in range(5)]
        + [drug(7, f"drug{i}", d(2024, 1, i + 1)) for i in range(5)],  # over 12 months ago: no polypharmacy
        "visit_occurrence": [visit(1, 262, d(2025, 3, 1))],
    }


def frame(expr) -> pd.DataFrame:
    return expr.to_pandas()
