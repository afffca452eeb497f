"""Every code the generator writes comes from the PHM reference codelist it names."""

from __future__ import annotations

import csv

import pytest

from pophealth.synth.params import CODES_FILE

KEY_COLUMN = {"ltc_conditions.csv": "condition", "efi_deficits.csv": "deficit", "efi_value_rules.csv": "deficit",
              "cohorts_care_gaps.csv": "cohort", "ethnicity.csv": "group16"}


def _shipped():
    with open(CODES_FILE, newline="", encoding="utf-8") as handle:
        return [r for r in csv.DictReader(handle) if r["source_file"]]


@pytest.mark.reference
@pytest.mark.parametrize("source_file", sorted(KEY_COLUMN))
def test_shipped_codes_are_in_their_reference_list(reference, source_file):
    path = reference / "phm" / "codelists" / source_file
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    key = KEY_COLUMN[source_file]
    assert rows and key in rows[0] and "code" in rows[0], f"{path} lacks columns code/{key}"
    listed = {(r[key], r["code"]) for r in rows}
    shipped = [r for r in _shipped() if r["source_file"] == source_file]
    assert shipped, f"no shipped codes from {source_file}"
    missing = [(r["key"], r["code"]) for r in shipped if (r["key"], r["code"]) not in listed]
    assert not missing, missing


@pytest.mark.reference
def test_every_cohort_list_has_shipped_codes(reference):
    with open(reference / "phm" / "codelists" / "cohorts_care_gaps.csv", newline="", encoding="utf-8") as h:
        cohorts = {r["cohort"] for r in csv.DictReader(h)}
    shipped = {r["key"] for r in _shipped() if r["kind"] == "cohort"}
    assert cohorts <= shipped, cohorts - shipped


def test_no_care_or_deficit_code_puts_people_on_an_ltc_register():
    """A medication review or frailty deficit written with an LTC code (gm-sde's dementia list holds
    "Dementia medication review") would put people without the condition on its register."""
    from pophealth.phm.codelists import package_codelists

    lists = package_codelists()
    ltc = lists[lists.list_id.str.startswith("ltc.") & ~lists.list_id.str.endswith(".resolved")]
    ltc_names = set(ltc.list_id.str[4:])
    ltc_codes = dict(zip(ltc.code, ltc.list_id))
    clashes = [(r["kind"], r["key"], r["code"], ltc_codes[r["code"]]) for r in _shipped()
               if r["kind"] in ("cohort", "deficit") and r["key"] not in ltc_names and r["code"] in ltc_codes]
    assert not clashes, clashes
