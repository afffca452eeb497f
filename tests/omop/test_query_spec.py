"""Spec tests: tiny inline tables and the expected ``{person_id: value}``, on DuckDB and on Spark.

Each expected value is worked out by hand from the definition in docs/methods/omop-queries.md.
The same spec runs once per engine (``engine`` fixture); the Spark runs carry the ``spark`` marker.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime

import pytest

from pophealth import omop


def person(pid, year, month=None, day=None, *, birth=None, location_id=None, care_site_id=None):
    return dict(person_id=pid, gender_concept_id=0, year_of_birth=year, month_of_birth=month, day_of_birth=day,
                birth_datetime=birth, race_concept_id=0, ethnicity_concept_id=0, location_id=location_id,
                care_site_id=care_site_id)


PEOPLE = [person(1, 1950, 6, 15), person(2, 1980), person(3, 2000, 1, 1), person(4, 1990, birth=datetime(1990, 12, 31))]


_period_ids = itertools.count(1)


def period(pid, start, end):
    return dict(observation_period_id=next(_period_ids), person_id=pid, observation_period_start_date=start,
                observation_period_end_date=end, period_type_concept_id=32817)


def condition(ident, pid, start, source=None, concept=0):
    return dict(condition_occurrence_id=ident, person_id=pid, condition_concept_id=concept,
                condition_start_date=start, condition_type_concept_id=32817, condition_source_value=source)


def measurement(ident, pid, when, value, source="HBA1C", at=None):
    return dict(measurement_id=ident, person_id=pid, measurement_concept_id=0, measurement_date=when,
                measurement_datetime=at, measurement_type_concept_id=32817, value_as_number=value,
                measurement_source_value=source)


def visit(ident, pid, concept, start, admitted_from=None):
    return dict(visit_occurrence_id=ident, person_id=pid, visit_concept_id=concept, visit_start_date=start,
                visit_end_date=start, visit_type_concept_id=32817, admitted_from_concept_id=admitted_from)


def lsoa(code, decile):
    return dict(lsoa21_code=code, lsoa21_name=code, ltla_code="E06000016", ltla_name="Leicester",
                utla_code="E06000016", utla_name="Leicester", sub_icb_code="04C", imd2025_decile=decile,
                imd2025_rank=1, pop_total=1500)


def test_age_on_a_date(make_cdm):
    cdm = make_cdm(person=PEOPLE)
    # born 1950-06-15: the day before the birthday is 73; 1980 with no month/day counts from 1 January
    assert omop.as_dict(omop.age_on(cdm, date(2024, 6, 14))) == {1: 73, 2: 44, 3: 24, 4: 33}
    assert omop.as_dict(omop.age_on(cdm, date(2024, 6, 15))) == {1: 74, 2: 44, 3: 24, 4: 33}
    assert omop.as_dict(omop.age_on(cdm, date(2024, 12, 31))) == {1: 74, 2: 44, 3: 24, 4: 34}


def test_observed_on_a_date_includes_both_ends_of_a_period(make_cdm):
    cdm = make_cdm(person=PEOPLE, observation_period=[
        period(1, date(2020, 1, 1), date(2023, 12, 31)), period(1, date(2024, 1, 1), date(2024, 12, 31)),
        period(2, date(2010, 1, 1), date(2023, 12, 31)), period(4, date(2001, 2, 1), date(2024, 1, 1)),
    ])
    assert omop.as_dict(omop.observed_on(cdm, date(2024, 1, 1))) == {1: True, 2: False, 3: False, 4: True}


def test_has_condition_by_code_or_concept_on_or_before_a_date(make_cdm):
    cdm = make_cdm(person=PEOPLE, condition_occurrence=[
        condition(1, 1, date(2019, 5, 5), "44054006"),
        condition(2, 2, date(2020, 1, 1), "E11.9", concept=201826),
        condition(3, 3, date(2020, 1, 2), "44054006"),
        condition(4, 4, date(2010, 1, 1), None, concept=0),
    ])
    result = omop.has_condition(cdm, ["44054006"], on_or_before=date(2020, 1, 1), concept_ids=[201826])
    assert omop.as_dict(result) == {1: True, 2: True, 3: False, 4: False}
    only_codes = omop.has_condition(cdm, ["44054006"])
    assert omop.as_dict(only_codes) == {1: True, 2: False, 3: True, 4: False}


def test_latest_numeric_measurement_and_its_date(make_cdm):
    cdm = make_cdm(person=PEOPLE, measurement=[
        measurement(1, 1, date(2023, 1, 1), 50.0), measurement(2, 1, date(2024, 3, 1), 48.0),
        measurement(3, 1, date(2024, 4, 1), 60.0),  # after the date
        measurement(10, 2, date(2024, 2, 2), 44.0), measurement(11, 2, date(2024, 2, 2), 46.0),  # same day: higher id
        measurement(20, 3, date(2024, 1, 1), 70.0), measurement(21, 3, date(2024, 3, 5), None),  # no value: ignored
        measurement(30, 4, date(2024, 1, 1), 99.0, source="BMI"),  # another code
        measurement(40, 2, date(2024, 2, 2), 30.0, at=datetime(2024, 2, 2, 9, 0)),  # same day, earlier id: time wins
    ])
    result = omop.latest_measurement(cdm, ["HBA1C"], on_or_before=date(2024, 3, 31))
    assert omop.as_dict(result) == {1: 48.0, 2: 30.0, 3: 70.0, 4: None}
    assert omop.as_dict(result, "date") == {1: date(2024, 3, 1), 2: date(2024, 2, 2), 3: date(2024, 1, 1), 4: None}


def test_emergency_admissions_and_attendances_in_a_window(make_cdm):
    cdm = make_cdm(person=PEOPLE, visit_occurrence=[
        visit(1, 1, 262, date(2024, 1, 1)),  # ER then inpatient, first day of the window
        visit(2, 1, 9201, date(2024, 6, 1), admitted_from=8870),  # inpatient from the ER
        visit(3, 1, 9201, date(2024, 7, 1)),  # elective inpatient
        visit(4, 2, 9203, date(2024, 5, 5)),  # A&E attendance only
        visit(5, 3, 262, date(2023, 12, 31)),  # before the window
        visit(6, 3, 262, date(2024, 12, 31)),  # last day of the window
        visit(7, 4, 9202, date(2024, 3, 3)),  # outpatient
    ])
    window = (date(2024, 1, 1), date(2024, 12, 31))
    assert omop.as_dict(omop.emergency_admissions(cdm, *window)) == {1: 2, 2: 0, 3: 1, 4: 0}
    assert omop.as_dict(omop.emergency_attendances(cdm, *window)) == {1: 1, 2: 1, 3: 1, 4: 0}


def test_died_in_a_window(make_cdm):
    cdm = make_cdm(person=PEOPLE, death=[
        dict(person_id=1, death_date=date(2024, 12, 31)), dict(person_id=2, death_date=date(2023, 12, 31))])
    assert omop.as_dict(omop.died_between(cdm, date(2024, 1, 1), date(2024, 12, 31))) == {
        1: True, 2: False, 3: False, 4: False}


def test_linked_lsoa_imd_decile_practice_and_pcn(make_cdm):
    cdm = make_cdm(
        person=[person(1, 1950, location_id=1, care_site_id=10), person(2, 1960, location_id=2, care_site_id=11),
                person(3, 1970, location_id=3), person(4, 1980)],
        location_lsoa=[dict(location_id=1, lsoa21_code="E01013649"), dict(location_id=2, lsoa21_code="E01099999")],
        geo_lsoa21=[lsoa("E01013649", 4)],
        care_site_practice=[dict(care_site_id=10, practice_code="C82001", pcn_code="U30213"),
                            dict(care_site_id=11, practice_code="C82002", pcn_code=None)],
    )
    geo = omop.lsoa_and_imd(cdm)
    assert omop.as_dict(geo, "lsoa21_code") == {1: "E01013649", 2: "E01099999", 3: None, 4: None}
    assert omop.as_dict(geo, "imd_decile") == {1: 4, 2: None, 3: None, 4: None}
    practice = omop.practice_and_pcn(cdm)
    assert omop.as_dict(practice, "practice_code") == {1: "C82001", 2: "C82002", 3: None, 4: None}
    assert omop.as_dict(practice, "pcn_code") == {1: "U30213", 2: None, 3: None, 4: None}


def test_an_empty_code_list_is_refused(make_cdm):
    with pytest.raises(ValueError, match="at least one code"):
        omop.has_condition(make_cdm(person=PEOPLE), [])
