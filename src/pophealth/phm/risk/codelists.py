"""The code lists the risk features need, read from the PHM reference folder as one (code, key) table.

Keys are namespaced so one join finds every feature's codes at once: ``ltc:<condition>``,
``ltcres:<condition>`` (QOF "resolved" codes), ``efi:<deficit>``, ``cohort:<cohort>`` and
``eth:<group6>``. A missing file or column is an input error naming the file.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from pophealth.config import reference_dir
from pophealth.errors import InputError, Problem

# Cohorts used as features, flags or the palliative care register (cohorts_care_gaps.csv keys).
FEATURE_COHORTS = ("palliative_care", "palliative_care_not_indicated", "housebound", "homeless", "carer",
                   "smoking_current", "learning_disability", "severe_mental_illness")
# Latest numeric results used as features (cohorts_care_gaps.csv keys).
MEASUREMENTS = ("egfr", "systolic_blood_pressure", "bmi", "hba1c")
ETHNIC_GROUPS6 = {1: "White", 2: "Mixed", 3: "Asian or Asian British", 4: "Black or Black British",
                  5: "Chinese or Other Ethnic Groups"}


def codelist_dir() -> Path:
    return reference_dir() / "phm" / "codelists"


def _read(name: str, columns: tuple[str, ...]) -> pd.DataFrame:
    path = codelist_dir() / name
    if not path.exists():
        raise InputError([Problem(str(path), "code list file not found (set POPHEALTH_REFERENCE)")])
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError([Problem(str(path), f"expected column {c!r}", row=1, column=c) for c in missing])
    return frame


@cache
def ltc_catalogue() -> pd.DataFrame:
    """Conditions counted in the default LTC count (``count_in_ltc_default = yes``)."""
    cat = _read("ltc_condition_catalogue.csv", ("condition", "count_in_ltc_default"))
    return cat[cat.count_in_ltc_default.str.strip().str.lower() == "yes"].reset_index(drop=True)


@cache
def counted_conditions() -> tuple[str, ...]:
    """LTCs in the default count that have a diagnosis code list (treated constipation has none)."""
    codes = _read("ltc_conditions.csv", ("code", "condition", "role"))
    with_codes = set(codes.condition[codes.role.isin(["diagnosis", "diagnosis_secondary_care"])])
    return tuple(c for c in ltc_catalogue().condition if c in with_codes)


@cache
def feature_codes() -> pd.DataFrame:
    """Every code the feature builder matches, as (code, key); a code may serve several keys."""
    parts = []
    ltc = _read("ltc_conditions.csv", ("code", "condition", "role"))
    ltc = ltc[ltc.condition.isin(counted_conditions())]
    diag = ltc[ltc.role.isin(["diagnosis", "diagnosis_secondary_care"])]
    parts.append(pd.DataFrame({"code": diag.code, "key": "ltc:" + diag.condition}))
    res = ltc[ltc.role == "resolved"]
    parts.append(pd.DataFrame({"code": res.code, "key": "ltcres:" + res.condition}))
    efi = _read("efi_deficits.csv", ("code", "deficit"))
    parts.append(pd.DataFrame({"code": efi.code, "key": "efi:" + efi.deficit}))
    coh = _read("cohorts_care_gaps.csv", ("code", "cohort"))
    coh = coh[coh.cohort.isin(FEATURE_COHORTS)]
    parts.append(pd.DataFrame({"code": coh.code, "key": "cohort:" + coh.cohort}))
    eth = _read("ethnicity.csv", ("code", "group6"))
    parts.append(pd.DataFrame({"code": eth.code, "key": "eth:" + eth.group6.str.strip()}))
    out = pd.concat(parts, ignore_index=True)
    out["code"] = out.code.str.strip()
    return out[out.code != ""].drop_duplicates().reset_index(drop=True)


@cache
def efi_deficits() -> tuple[str, ...]:
    """The 35 code-based eFI deficits (the 36th, polypharmacy, comes from prescriptions)."""
    return tuple(sorted(set(_read("efi_deficits.csv", ("code", "deficit")).deficit)))


@cache
def measurement_codes() -> dict[str, list[str]]:
    coh = _read("cohorts_care_gaps.csv", ("code", "cohort"))
    return {m: sorted(set(coh.code[coh.cohort == m].str.strip())) for m in MEASUREMENTS}


@cache
def resolved_conditions() -> tuple[str, ...]:
    keys = feature_codes().key
    return tuple(sorted(k.split(":", 1)[1] for k in set(keys[keys.str.startswith("ltcres:")])))
