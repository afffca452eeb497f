"""Spec tests: the tiny population of spec_data.py through every definition, on DuckDB and on Spark.

Each expected value is worked out by hand from the rules in docs/methods/phm.md.
"""

from __future__ import annotations

import pytest

from pophealth.phm.context import PhmContext
from pophealth.phm.pipeline import compute
from tests.phm import spec_data
from tests.phm.conftest import build_cdm


@pytest.fixture(scope="module")
def results(engine):
    cdm = build_cdm(engine, spec_data.tables())
    res = compute(PhmContext.create(cdm, spec_data.T))
    out = {name: getattr(res, name).to_pandas() for name in ("person", "registers", "ltc", "deficits", "cohorts",
                                                            "care_gaps")}
    out["facts"] = res.facts.to_pandas()
    return out


def by_person(frame, column):
    return dict(zip(frame.person_id.astype(int), frame[column]))


def sets(frame, column):
    out: dict[int, set] = {}
    for pid, value in zip(frame.person_id.astype(int), frame[column]):
        out.setdefault(pid, set()).add(value)
    return out


def test_population_is_registered_and_alive_on_the_index_date(results):
    # 4 left the practice before the index date; 5 died before it
    assert sorted(results["person"].person_id.astype(int)) == [1, 2, 3, 6, 7, 8]
    assert by_person(results["person"], "age") == {1: 75, 2: 40, 3: 30, 6: 0, 7: 66, 8: 45}
    assert by_person(results["person"], "age_band")[1] == "75-84"
    assert by_person(results["person"], "place") == {1: "Rutland", 2: "Leicester", 3: "Leicester", 6: "Rutland",
                                                     7: "Rutland", 8: "Rutland"}


def test_registers_apply_resolved_codes_age_and_removal(results):
    regs = sets(results["registers"], "register")
    assert "asthma" not in regs[1]  # resolved after the last diagnosis
    assert {"heart_failure", "diabetes", "hypertension", "copd"} <= regs[1]  # HF resolved before a later diagnosis
    assert "dementia" not in regs[1]  # recorded after the index date
    assert "cancer" in regs[3]  # QOF cancer register: ever (since 2003)
    assert "learning_disability_qof" in regs[3]
    assert "palliative_care" not in regs.get(7, set())  # "no longer indicated" recorded after it
    assert "dementia" in regs[7]


def test_ltc_counts_and_cms(results):
    p = results["person"]
    assert by_person(p, "ltc_count") == {1: 4, 2: 5, 3: 1, 6: 0, 7: 1, 8: 0}  # 3: LD counts, old cancer does not
    assert by_person(p, "ltc_5plus") == {1: False, 2: True, 3: False, 6: False, 7: False, 8: False}
    assert not p.ltc_8plus.any()
    cms = by_person(p, "cms_score")
    assert cms[1] == pytest.approx(0.75 + 0.08 + 1.46 + 1.18)
    assert cms[2] == pytest.approx(1.53 + 0.50 + 0.92)  # anxiety and depression are one item
    assert cms[3] == 0 and cms[7] == pytest.approx(2.50)


def test_efi_deficits_values_polypharmacy_and_categories(results):
    d = sets(results["deficits"], "deficit")
    assert {"falls", "dizziness", "sleep_disturbance", "chronic_kidney_disease", "polypharmacy"} <= d[1]
    assert "polypharmacy" not in d.get(7, set())
    p = results["person"].set_index("person_id")
    assert p.loc[1, "efi_deficits"] >= 5 and p.loc[1, "efi_category"] in ("mild", "moderate")
    assert p.loc[1, "efi_score"] == pytest.approx(p.loc[1, "efi_deficits"] / 36, abs=1e-4)
    assert p.loc[7, "efi_category"] == "fit"
    assert p.loc[2, "efi_category"] is None or p.loc[2, "efi_category"] != p.loc[2, "efi_category"]  # under 65
    assert "chronic_kidney_disease" in p.loc[1, "efi_deficit_list"].split(",")


def test_segments_one_per_person_by_priority(results):
    assert by_person(results["person"], "segment") == {
        1: "organ_failure",  # heart failure with an emergency admission in 12 months
        2: "long_term_conditions", 3: "disability", 6: "maternal_infant", 7: "frailty_dementia", 8: "healthy"}
    assert by_person(results["person"], "segment_ltc_level")[2] == "5-7"


def test_cohorts(results):
    c = sets(results["cohorts"], "cohort")
    assert {"core20", "learning_disability", "ethnic_minority", "core20plus"} <= c[3]
    assert {"core20", "core20plus"} <= c[2]
    assert "homelessness" in c[8] and "core20plus" in c[8]
    assert "core20" not in c.get(1, set()) and "adult_copd" in c[1] and "adult_hypertension" in c[1]
    assert "cyp_oral_health" in c[6]


def test_care_gaps(results):
    g = results["care_gaps"]
    gap = {(int(p), n): bool(v) for p, n, v in zip(g.person_id, g.care_gap, g.gap)}
    assert gap[(3, "ld_annual_health_check")] is True  # no health-check codes: everyone due
    assert gap[(8, "htn_possible_undiagnosed")] is True  # 150/85, no hypertension diagnosis
    assert gap[(8, "htn_bp_check")] is False  # BP in 5 years
    assert gap[(1, "flu_vaccination")] is False  # vaccinated 1 Oct 2024, season from 1 Sep 2024
    assert gap[(7, "flu_vaccination")] is True  # last season only
    assert gap[(1, "htn_treated_to_target")] is True  # no BP in 12 months
    assert gap[(3, "ethnicity_recorded")] is False and gap[(1, "ethnicity_recorded")] is True
    assert (2, "cervical_screening") not in gap and (3, "cervical_screening") in gap
