"""Choosing the few codes the generator writes, from the PHM reference codelists.

The generator ships its picks in ``codes.csv`` so that it runs without the shared folder; this module
rebuilds that file (``python -m pophealth.synth.codepick``) and a reference test checks that every
shipped code is still in the list it was taken from. Picks prefer SNOMED CT, then codes that are also in
the matching eFI deficit list (so one record counts for both), then the most generic (shortest) term.
"""

from __future__ import annotations

import csv
from pathlib import Path

from pophealth.config import reference_dir
from pophealth.synth.params import load_params

CODES_FILE = Path(__file__).with_name("codes.csv")
COLUMNS = ["kind", "key", "code", "system", "term", "source_file"]
PER_LIST = 3
# Preferred words for lists whose shortest terms are rare subtypes.
KEYWORDS = {
    "learning_disability": "learning disab", "severe_mental_illness": "schizophren",
    "palliative_care": "palliative", "cervical_screening": "smear taken", "carer": "carer",
    "dementia_care_plan": "care plan", "medication_review": "medication review",
    "did_not_attend": "did not attend", "flu_vaccination": "influenza vacc",
    "covid_vaccination": "vaccination", "breast_screening": "mammography",
    "bowel_screening": "bowel cancer screening", "smoking_status_any": "non-smoker",
    "blood_pressure": "blood pressure",
    "cancer": "malignant", "hiv": "human immunodeficiency virus", "falls": "fall",
    "first_language": "gujarati", "ethnicity": "2001 census",
}
# Value-bearing items where one exact code is wanted (the QOF-style observable).
EXACT = {
    "systolic_blood_pressure": ["271649006"], "diastolic_blood_pressure": ["271650006"],
    "bmi": ["60621009"], "hba1c": ["999791000000106"], "cholesterol": ["1005671000000105"],
    "egfr": ["1107411000000104"], "qrisk_score": ["1085871000000105"],
    "alcohol_weekly_intake": ["160573003"], "smoking_current": ["77176002"],
    "alcohol_non_drinker": ["105542008"], "alcohol_light_drinker": ["228277002"],
    "alcohol_moderate_drinker": ["43783005"], "alcohol_heavy_drinker": ["86933000"],
    "housebound": ["160689007"],
}


def _read(name: str) -> list[dict[str, str]]:
    with open(reference_dir() / "phm" / "codelists" / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _choose(rows: list[dict[str, str]], key: str, prefer: set[str] = frozenset()) -> list[dict[str, str]]:
    if key in EXACT:
        return [r for r in rows if r["code"] in EXACT[key]][:1]
    system_rank = {"snomedct": 0, "read2": 1, "ctv3": 2, "icd10": 3}
    word = KEYWORDS.get(key, "")

    def rank(r: dict[str, str]) -> tuple:
        return (system_rank[r["system"]], r["code"] not in prefer,
                word not in r["term"].lower(), len(r["term"]), r["code"])

    best, seen = [], set()
    for r in sorted(rows, key=rank):
        if r["code"] not in seen and r["system"] == sorted(rows, key=rank)[0]["system"]:
            seen.add(r["code"])
            best.append(r)
    return best[:PER_LIST]


def pick_codes() -> list[dict[str, str]]:
    """Every code the generator uses, chosen from the reference codelists."""
    params = load_params()
    ltc = _read("ltc_conditions.csv")
    efi = _read("efi_deficits.csv")
    cohorts = _read("cohorts_care_gaps.csv")
    ethnicity = _read("ethnicity.csv")
    efi_codes: dict[str, set[str]] = {}
    for r in efi:
        efi_codes.setdefault(r["deficit"], set()).add(r["code"])
    out: list[dict[str, str]] = []

    def add(kind: str, key: str, rows: list[dict[str, str]], source: str) -> None:
        if not rows:
            raise ValueError(f"no codes for {kind} {key} in {source}")
        out.extend({"kind": kind, "key": key, "code": r["code"], "system": r["system"],
                    "term": r["term"], "source_file": source} for r in rows)

    for cond in params["conditions"]:
        deficit = params["ltc_deficits"].get(cond)
        prefer = efi_codes.get(deficit, set())
        for role, kind in (("diagnosis", "condition"), ("resolved", "resolved"),
                           ("diagnosis_secondary_care", "secondary")):
            rows = [r for r in ltc if r["condition"] == cond and r["role"] == role]
            if rows or kind == "condition":
                add(kind, cond, _choose(rows, cond, prefer)[: 1 if kind != "condition" else PER_LIST],
                    "ltc_conditions.csv")
    # A generated deficit must not be written with an LTC's diagnosis code (eFI's memory list holds
    # "Dementia", its fracture list "Osteoporosis"): that would put people without the LTC on its register.
    # The same holds for care and cohort codes (medication reviews, care plans) outside the LTC registers.
    ltc_diagnoses = {r["code"] for r in ltc if r["role"] == "diagnosis"}
    ltc_conditions = {r["condition"] for r in ltc}
    for deficit in params["deficits"]:
        rows = [r for r in efi if r["deficit"] == deficit and r["code"] not in ltc_diagnoses]
        add("deficit", deficit, _choose(rows, deficit), "efi_deficits.csv")
    rules = _read("efi_value_rules.csv")
    for deficit, spec in params["deficits"].items():
        if "value" in spec:
            rows = [r for r in rules if r["code"] == spec["value"]["code"] and r["deficit"] == deficit]
            add("deficit_value", deficit, [{**rows[0], "term": rows[0]["measurement"]}], "efi_value_rules.csv")
    for cohort in sorted({r["cohort"] for r in cohorts}):
        rows = [r for r in cohorts if r["cohort"] == cohort]
        if cohort == "palliative_care":
            rows = [r for r in rows if "register" in r["use"]]
        if cohort not in ltc_conditions:  # "Dementia medication review" is both a review and a dementia code
            rows = [r for r in rows if r["code"] not in ltc_diagnoses]
        add("cohort", cohort, _choose(rows, cohort), "cohorts_care_gaps.csv")
    # End-of-life care plans: the PALCARE_COD codes that record a plan in place (phm/codelists.py)
    plans = [r for r in cohorts if r["cohort"] == "palliative_care" and r["system"] == "snomedct"
             and r["term"].lower().startswith("has end of life") and "plan" in r["term"].lower()]
    add("care_plan", "palliative_care", plans[:PER_LIST], "cohorts_care_gaps.csv")  # key: its cohort
    for group in params["ethnicity"]["groups"]:
        rows = [r for r in ethnicity if r["group16"] == group and r["system"] == "snomedct"]
        add("ethnicity", group, _choose(rows, "ethnicity")[:1], "ethnicity.csv")
    # Codes the reference lists lack (PHM.md names them as gaps), with no source list: see
    # ``unlisted_codes`` in params.yaml for what each is and where it comes from.
    for key, spec in params["unlisted_codes"].items():
        out.append({"kind": "extra", "key": key, "code": spec["code"], "system": spec["system"],
                    "term": spec["term"], "source_file": ""})
    return out


def write_codes(path: Path = CODES_FILE) -> int:
    rows = pick_codes()
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


if __name__ == "__main__":
    print(f"{write_codes()} codes written to {CODES_FILE}")
