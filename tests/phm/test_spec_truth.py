"""Spec tests of the published definitions (truth_data.py) on DuckDB and on Spark.

Expected values come from the sources: Clegg 2016 for the eFI categories, the reference eFI value rules
(eGFR < 60), PHM.md §2 for LTC overlaps and the CMS age, and the Read v2 / CTV3 code tables.
"""

from __future__ import annotations

from datetime import date

import pytest

from pophealth.phm.context import PhmContext
from pophealth.phm.pipeline import compute
from tests.phm import truth_data
from tests.phm.conftest import build_cdm
from tests.phm.test_spec import by_person, sets

# Clegg 2016: fit <= 0.12, mild <= 0.24, moderate <= 0.36, severe above, score = deficits / 36
PUBLISHED_CATEGORY = {4: "fit", 5: "mild", 8: "mild", 9: "moderate", 12: "moderate", 13: "severe"}


@pytest.fixture(scope="module")
def next_season(engine):
    """The care gaps in the 2025-26 season (index 2025-12-15)."""
    cdm = build_cdm(engine, truth_data.tables())
    return compute(PhmContext.create(cdm, date(2025, 12, 15))).care_gaps.to_pandas()


@pytest.fixture(scope="module")
def results(engine):
    cdm = build_cdm(engine, truth_data.tables())
    res = compute(PhmContext.create(cdm, truth_data.T))
    out = {name: getattr(res, name).to_pandas() for name in ("person", "ltc", "deficits", "care_gaps", "registers")}
    out["facts"] = res.facts.to_pandas()
    return out


def test_efi_categories_use_the_published_boundaries(results):
    p = results["person"]
    deficits, category = by_person(p, "efi_deficits"), by_person(p, "efi_category")
    for pid, n in truth_data.EFI_PEOPLE.items():
        assert deficits[pid] == n
        assert category[pid] == PUBLISHED_CATEGORY[n], (pid, n)
        assert by_person(p, "efi_score")[pid] == pytest.approx(n / 36, abs=1e-4)


def test_snomed_egfr_below_60_is_the_kidney_deficit(results):
    d = sets(results["deficits"], "deficit")
    assert "chronic_kidney_disease" in d[110]


def test_implausible_values_are_ignored(results):
    d = sets(results["deficits"], "deficit")
    assert "chronic_kidney_disease" not in d.get(111, set())  # eGFR -2.9
    f = results["facts"].set_index("person_id")
    assert f.loc[111, "egfr_latest"] != f.loc[111, "egfr_latest"] or f.loc[111, "egfr_latest"] is None
    assert f.loc[111, "bmi_latest"] == pytest.approx(27.5)  # the later BMI of 4 is not a BMI


def test_read_v2_code_is_not_read_as_ctv3(results):
    d = sets(results["deficits"], "deficit")
    assert "weight_loss_anorexia" in d[110]  # Read v2 1612. loss of appetite
    assert "eating_disorders" not in set(results["ltc"].condition[results["ltc"].person_id == 110])


def test_one_condition_per_code(results):
    ltc = results["ltc"]
    assert set(ltc.condition[ltc.person_id == 111]) == {"rheumatoid_arthritis"}
    p = results["person"]
    assert by_person(p, "ltc_count")[111] == 1
    assert by_person(p, "cms_score")[111] == pytest.approx(0.43)  # connective tissue item only


def test_cms_is_for_adults_only(results):
    p = results["person"]
    assert by_person(p, "ltc_count")[112] == 1  # COPD counts as an LTC at any age
    assert by_person(p, "cms_score")[112] == 0


def gaps(results) -> dict[tuple[int, str], bool]:
    g = results["care_gaps"]
    return {(int(p), n): bool(v) for p, n, v in zip(g.person_id, g.care_gap, g.gap)}


def test_ld_health_check_and_action_plan_from_their_codes(results):
    gap = gaps(results)
    assert gap[(120, "ld_annual_health_check")] is False and gap[(120, "ld_health_action_plan")] is False
    assert gap[(121, "ld_annual_health_check")] is False
    assert gap[(121, "ld_health_action_plan")] is True  # the plan predates this year's check


def test_care_plan_is_the_one_the_group_needs(results):
    gap = gaps(results)
    assert gap[(122, "care_plan_vulnerable")] is False  # palliative: end-of-life care plan
    assert gap[(123, "care_plan_vulnerable")] is True  # dementia care plan over 12 months ago


def test_copd_bundle_needs_covid_only_when_offered(results):
    gap = gaps(results)
    assert gap[(124, "copd_vaccination_bundle")] is True  # 2024-25: COPD was a COVID-19 risk group


def test_flu_eligibility_by_age_on_31_march(results, next_season):
    assert by_person(results["person"], "age")[126] == 65
    assert (126, "flu_vaccination") not in gaps(results)  # 64 on 31 March 2025
    assert (132, "flu_vaccination") in season_gaps(next_season)  # 64 now, 65 on 31 March 2026


def test_total_hysterectomy_leaves_the_cervical_screening_cohort(results):
    gap = gaps(results)
    assert (127, "cervical_screening") not in gap
    assert (120, "cervical_screening") in gap


def test_asthma_and_epilepsy_registers_need_current_treatment(results):
    regs = sets(results["registers"], "register")
    assert "asthma" not in regs.get(128, set()) and "asthma" in regs[129]
    assert "epilepsy" in regs[130]
    ltc = sets(results["ltc"], "condition")
    assert "asthma" in ltc[128]  # the LTC count has no prescription rule


def test_smi_in_remission_leaves_the_register(results):
    regs = sets(results["registers"], "register")
    assert "severe_mental_illness_qof" not in regs.get(131, set())


def season_gaps(frame) -> dict[tuple[int, str], bool]:
    return {(int(p), n): bool(v) for p, n, v in zip(frame.person_id, frame.care_gap, frame.gap)}


def test_copd_bundle_after_autumn_2025(next_season):
    assert season_gaps(next_season)[(125, "copd_vaccination_bundle")] is False  # COVID-19 offered at 75+ only
