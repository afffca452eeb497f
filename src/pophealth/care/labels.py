"""Words for the engine's names: what a care team reads instead of ``stroke_tia`` or ``htn_bp_check``.

Labels only: every rule behind these names lives in the PHM engine. Care-gap and cohort labels come with
the engine's definitions; condition and eFI deficit labels from the reference catalogues as shipped in the
package, falling back to the name itself (made readable), so a page never fails for want of a word.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib.resources import files

from pophealth.phm.care_gaps import CARE_GAPS
from pophealth.phm.definitions import cohort_definitions, conditions

REGISTER_LABELS = {"palliative_care": "Palliative care register",
                   "learning_disability_qof": "Learning disability (QOF register)",
                   "severe_mental_illness_qof": "Severe mental illness (QOF register)"}
GAP_LABELS = {g.name: g.label for g in CARE_GAPS}


def readable(name: str) -> str:
    return name.replace("_", " ").capitalize()


@cache
def _catalogue(kind: str) -> dict[str, str]:
    """Labels shipped in the package (``care/data/labels.csv``: the condition and eFI deficit labels of the
    reference catalogues), so a server started from any folder shows the same words; a test checks the file
    against ``ltc_condition_catalogue.csv`` and ``efi_deficits.csv``."""
    with (files("pophealth.care") / "data" / "labels.csv").open(encoding="utf-8", newline="") as handle:
        return {row["name"]: row["label"] for row in csv.DictReader(handle) if row["kind"] == kind}


def condition_label(name: str) -> str:
    return REGISTER_LABELS.get(name) or _catalogue("condition").get(name) or readable(name)


def deficit_label(name: str) -> str:
    return _catalogue("deficit").get(name) or readable(name)


def cohort_label(name: str) -> str:
    return cohort_definitions()["cohorts"].get(name, {}).get("label") or readable(name)


def in_ltc_count(name: str) -> bool:
    """Whether the engine counts this condition in the LTC count (``counts`` in its definitions)."""
    return bool(conditions().get(name, {}).get("counts", False))


@cache
def _medicine_names() -> dict[str, str]:
    """The package's small SNOMED CT medicine (substance) name table, ``care/data/medicine_names.csv``."""
    with (files("pophealth.care") / "data" / "medicine_names.csv").open(encoding="utf-8", newline="") as handle:
        return {r["code"]: r["name"] for r in csv.DictReader(handle)}


def medicine_name(code: str) -> str | None:
    """The medicine's name, or None when neither table knows the code (the page then says so)."""
    return _medicine_names().get(str(code))


def list_label(list_id: str) -> str:
    """``care.systolic_blood_pressure`` -> ``Systolic blood pressure``."""
    return readable(list_id.split(".", 1)[-1])
