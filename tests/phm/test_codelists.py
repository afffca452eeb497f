"""Code lists: the shipped copy matches the reference; versions load once and keep dropped codes inactive."""

from __future__ import annotations

import csv

import pytest

from pophealth.config import reference_dir
from pophealth.phm import codelists
from pophealth.warehouse import connect


@pytest.mark.reference
def test_shipped_lists_are_rebuilt_exactly_from_the_reference():
    shipped = codelists.package_codelists()
    rebuilt = codelists.build_rows()
    assert len(shipped) == len(rebuilt)
    assert shipped.to_dict("records") == rebuilt


@pytest.mark.reference
@pytest.mark.parametrize("name", ["ltc_conditions.csv", "efi_deficits.csv", "cohorts_care_gaps.csv", "ethnicity.csv"])
def test_every_reference_code_is_shipped(name):
    with open(reference_dir() / "phm" / "codelists" / name, newline="", encoding="utf-8") as handle:
        reference = {(r["code"], r["system"]) for r in csv.DictReader(handle)}
    shipped = set(zip(codelists.package_codelists().code, codelists.package_codelists().system))
    assert reference - shipped == set()


@pytest.mark.reference
def test_value_rules_follow_the_reference_rules():
    rules = codelists.value_rules()
    egfr = rules[(rules.deficit == "chronic_kidney_disease") & (rules.high == 60)]
    assert not egfr.empty and not egfr.high_inclusive.any() and egfr.low.isna().all()
    cognition = rules[rules.deficit == "memory_cognitive_problems"]
    assert (cognition.low == 8).all() and cognition.low_inclusive.all()
    assert len(rules[rules.system != "snomedct"]) == 65  # the reference rules, Read v2 and CTV3
    snomed = rules[rules.system == "snomedct"]  # the eGFR rule repeated for the SNOMED CT eGFR codes
    assert set(snomed.measurement) == {"eGFR"} and (snomed.high == 60).all() and not snomed.high_inclusive.any()
    reference = codelists._reference("cohorts_care_gaps.csv")
    assert set(snomed.code) == {r["code"] for r in reference if r["cohort"] == "egfr" and r["system"] == "snomedct"}


def test_every_code_keeps_its_source_list():
    frame = codelists.package_codelists()
    assert (frame.source != "").all()
    assert set(frame.list_id.str.split(".").str[0]) == {"ltc", "efi", "care", "register", "ethnicity", "med"}


def test_ckd_counts_stages_3_to_5_only():
    frame = codelists.package_codelists()
    ckd = frame[frame.list_id == "ltc.ckd"]
    assert set(ckd.source) <= set(codelists.CKD_STAGE_3_TO_5)


def test_loading_is_idempotent_and_dropped_codes_stay_inactive():
    con = connect(":memory:")
    first = codelists.package_codelists().head(50)
    v1 = codelists.load_codelists(con, first, "v1")
    assert codelists.load_codelists(con, first, "v1") == "v1"
    assert con.execute("SELECT count(*) FROM phm_codelist").fetchall()[0][0] == 50
    codelists.load_codelists(con, first.iloc[10:], "v2")
    rows = dict(con.execute("SELECT active, count(*) FROM phm_codelist WHERE version = 'v2' GROUP BY 1").fetchall())
    assert rows == {True: 40, False: 10}
    assert len(codelists.codes_for(con, "v2")) == 50  # inactive codes still match old records
    assert v1 == "v1"


def test_package_version_is_stable():
    assert codelists.package_version() == codelists.package_version()
    assert codelists.package_version().startswith("phm-")
