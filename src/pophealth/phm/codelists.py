"""Versioned code lists: built from the reference lists, shipped in the package, loaded into ``phm_codelist``.

Each code belongs to a list named ``<family>.<key>`` (``ltc.asthma``, ``ltc.asthma.resolved``, ``efi.falls``,
``care.flu_vaccination``, ``ethnicity.8``). The package ships the lists the engine needs (no terms, with the
source list of every code) so that a run needs no shared folder; ``python -m pophealth.phm.codelists``
rebuilds them and a reference test checks the shipped copy still matches the reference.

Versions: loading a new version keeps every code of older versions that the new one dropped, marked
``active = false``. Records are matched against active and inactive codes alike, because a diagnosis
recorded years ago with a code since retired still counts ("ever recorded").
"""

from __future__ import annotations

import csv
import hashlib
from functools import cache
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

from pophealth.config import reference_dir
from pophealth.warehouse import transaction

DATA = Path(str(resources.files("pophealth.phm") / "data"))
CODES_FILE = DATA / "codelists.csv"
RULES_FILE = DATA / "value_rules.csv"
COLUMNS = ["list_id", "code", "system", "source"]
RULE_COLUMNS = ["deficit", "measurement", "code", "system", "low", "low_inclusive", "high", "high_inclusive", "sex"]
# The reference eFI value rules hold Read v2/CTV3 codes only. The eGFR rule (< 60) is the one whose
# measurement the reference also lists in SNOMED CT (the gm-sde eGFR test list, cohort ``egfr``), so it is
# extended to those codes; SNOMED-coded eGFR results then count as they do in Read/CTV3 data.
SNOMED_RULE_LISTS = {"eGFR": "egfr"}
# CKD counts stages 3-5 only: the PCD CKD_COD cluster and hospital ICD-10 codes; the gm-sde list also
# holds stages 1-2, so its codes go to a separate list that no count uses.
CKD_STAGE_3_TO_5 = ("nhsd-pcd/CKD_COD", "opencodelists/user/markdrussell/chronic-kidney-disease-secondary-care")
# The QOF registers for LD and SMI use their PCD clusters (the cohort file); the wider LTC lists stay LTCs.
REGISTER_COHORTS = {"learning_disability": "register.learning_disability",
                    "severe_mental_illness": "register.severe_mental_illness"}


# Lists carved out of reference lists by term (QOF clusters the reference folder lacks, rebuilt from codes
# it has): SMI codes that say the illness is in remission (MHREM_COD: off the QOF MH register when later
# than the latest diagnosis); end-of-life care plans in place (PALCARE_COD codes that record a plan, not an
# offer or a refusal); a recorded total hysterectomy (no cervix: out of the cervical screening cohort).
DERIVED_LISTS = (
    ("register.severe_mental_illness.remission", "severe_mental_illness", ("remission",), ("partial",)),
    ("care.end_of_life_care_plan", "palliative_care", ("care plan", "care planning"),
     ("declined", "offer", "not suitable")),
    ("care.hysterectomy", "cervical_screening", ("history of total hysterectomy",), ()),
)


def _derived(row: dict[str, str]) -> list[str]:
    term = row["term"].lower()
    return [list_id for list_id, cohort, include, exclude in DERIVED_LISTS
            if row["cohort"] == cohort and any(w in term for w in include) and not any(w in term for w in exclude)]


def _reference(name: str) -> list[dict[str, str]]:
    with open(reference_dir() / "phm" / "codelists" / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _ltc_list(row: dict[str, str]) -> str:
    cond, role = row["condition"], row["role"]
    if role == "resolved":
        return f"ltc.{cond}.resolved"
    if cond == "ckd" and row["codelist_id"] not in CKD_STAGE_3_TO_5:
        return "ltc.ckd_any_stage"
    return f"ltc.{cond}"  # diagnosis, diagnosis_secondary_care and subtype_* all mean "has it"


def _cohort_list(row: dict[str, str]) -> str:
    cohort = row["cohort"]
    if cohort in REGISTER_COHORTS:
        return REGISTER_COHORTS[cohort]
    if cohort == "palliative_care":
        return "care.palliative_register" if "register" in row["use"] else "care.palliative_care_codes"
    return f"care.{cohort}"


def build_rows() -> list[dict[str, str]]:
    """Every (list, code) the engine uses, from the reference lists plus the package's local codes."""
    rows: list[dict[str, str]] = []
    for r in _reference("ltc_conditions.csv"):
        rows.append({"list_id": _ltc_list(r), "code": r["code"], "system": r["system"], "source": r["codelist_id"]})
    for r in _reference("efi_deficits.csv"):
        rows.append({"list_id": f"efi.{r['deficit']}", "code": r["code"], "system": r["system"],
                     "source": r["codelist_id"]})
    for r in _reference("cohorts_care_gaps.csv"):
        rows.append({"list_id": _cohort_list(r), "code": r["code"], "system": r["system"], "source": r["codelist_id"]})
        rows.extend({"list_id": d, "code": r["code"], "system": r["system"], "source": r["codelist_id"]}
                    for d in _derived(r))
    for r in _reference("ethnicity.csv"):
        rows.append({"list_id": f"ethnicity.{r['group16']}", "code": r["code"], "system": r["system"],
                     "source": r["source"].split(":")[-1]})
    with open(DATA / "local_codes.csv", newline="", encoding="utf-8") as handle:
        rows.extend(csv.DictReader(handle))
    unique = {(r["list_id"], r["code"], r["system"]): r for r in rows}
    return [unique[k] for k in sorted(unique)]


def build_rules() -> list[dict[str, object]]:
    """The eFI value rules as closed/open bounds, so that one generic test applies them all.

    Rules of a measurement in ``SNOMED_RULE_LISTS`` are repeated for each SNOMED CT code of that measurement.
    """
    out = []
    snomed: dict[str, list[str]] = {}
    for r in _reference("cohorts_care_gaps.csv"):
        if r["system"] == "snomedct":
            snomed.setdefault(r["cohort"], []).append(r["code"])
    for r in _reference("efi_value_rules.csv"):
        rule = r["rule"]
        low = r["low"] if r["low"] and rule != "any value" and "low" in rule else ""
        high = r["high"] if r["high"] and rule != "any value" and "high" in rule else ""
        out.append({"deficit": r["deficit"], "measurement": r["measurement"], "code": r["code"],
                    "system": r["system"], "low": low, "low_inclusive": "low <=" in rule or ">= low" in rule,
                    "high": high, "high_inclusive": "<= high" in rule, "sex": r["sex"]})
    extra = []
    for row in out:
        cohort = SNOMED_RULE_LISTS.get(row["measurement"])
        if cohort and row["system"] == "read2":  # one copy per rule (the CTV3 rows repeat it)
            extra.extend(row | {"code": code, "system": "snomedct"} for code in sorted(set(snomed[cohort])))
    unique = {(r["deficit"], r["code"], r["low"], r["high"], r["sex"]): r for r in out + extra}
    return list(unique.values())


def write_package_files() -> int:
    """Rebuild the shipped code lists and value rules from the reference folder."""
    rows = build_rows()
    with open(CODES_FILE, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    with open(RULES_FILE, "w", newline="", encoding="utf-8") as handle:
        w = csv.DictWriter(handle, fieldnames=RULE_COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(build_rules())
    return len(rows)


@cache
def package_codelists() -> pd.DataFrame:
    """The shipped code lists (codes kept as text)."""
    return pd.read_csv(CODES_FILE, dtype=str, keep_default_na=False)


@cache
def value_rules() -> pd.DataFrame:
    """The shipped eFI value rules; ``low``/``high`` are null when that side is open."""
    frame = pd.read_csv(RULES_FILE, dtype={"code": str, "system": str, "deficit": str, "sex": str,
                                           "measurement": str})
    return frame.astype({"low_inclusive": bool, "high_inclusive": bool})


@cache
def package_version() -> str:
    """The code-list version: a digest of the shipped lists and rules, so any change is a new version."""
    digest = hashlib.sha256(CODES_FILE.read_bytes() + RULES_FILE.read_bytes())
    return "phm-" + digest.hexdigest()[:12]


def load_codelists(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame | None = None,
                   version: str | None = None) -> str:
    """Load a version into ``phm_codelist`` (idempotent); codes dropped since earlier versions stay, inactive."""
    frame = package_codelists() if frame is None else frame
    version = version or package_version()
    with transaction(con):
        if con.execute("SELECT count(*) FROM phm_codelist WHERE version = ?", [version]).fetchall()[0][0]:
            return version
        con.register("_new_codes", frame[COLUMNS])
        con.execute("""INSERT INTO phm_codelist (list_id, version, code, system, active, source, loaded_at)
                       SELECT list_id, ?, code, system, true, source, now() FROM _new_codes""", [version])
        con.execute("""INSERT INTO phm_codelist (list_id, version, code, system, active, source, loaded_at)
                       SELECT DISTINCT o.list_id, ?, o.code, o.system, false, o.source, now()
                       FROM phm_codelist o ANTI JOIN _new_codes n
                         ON n.list_id = o.list_id AND n.code = o.code AND n.system = o.system
                       WHERE o.version <> ?""", [version, version])
        con.unregister("_new_codes")
    return version


def codes_for(con: duckdb.DuckDBPyConnection, version: str) -> pd.DataFrame:
    """Every (list, code) of a loaded version, active or not, for matching records."""
    return con.execute("SELECT DISTINCT list_id, code, system FROM phm_codelist WHERE version = ?", [version]).df()


if __name__ == "__main__":
    print(f"{write_package_files()} codes written to {CODES_FILE}")
