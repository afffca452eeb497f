"""Checks of a generated population against real LLR figures: the QOF registers of each sub-ICB and the
Leicestershire JHWS counts of people with 5+ and 8+ long-term conditions.

The generated side is what the PHM engine computes on the population at its as-of date (QOF register
rules, the LTC count), so a check compares like with like: a register count over the practices' list in
the register's age group, per sub-ICB of the practice (QOF counts registered, not resident, people).
Targets: NHS Digital QOF CCG tables of the latest year in ``data/public`` (2019-20: 03W, 04C and 04V are
today's sub-ICB locations), the publisher's own prevalence figure; the JHWS (seed 002) 51,101 and 15,802
people in Leicestershire, about 7.2% and 2.2% of its residents.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from functools import cache
from pathlib import Path

import duckdb

from pophealth.config import shared_dir
from pophealth.omop import Cdm
from pophealth.synth.checks import Check, rate_check
from pophealth.synth.params import load_params

QOF_FILE = "qof_prevalence_llr_ccg_2013-14_to_2019-20.csv"
QOF_REGISTERS = {"AF": "atrial_fibrillation", "AST": "asthma", "CAN": "cancer", "CHD": "chd", "CKD": "ckd",
                 "COPD": "copd", "DEM": "dementia", "DEP": "depression", "DM": "diabetes", "EP": "epilepsy",
                 "HF": "heart_failure", "HYP": "hypertension", "LD": "learning_disability_qof",
                 "MH": "severe_mental_illness_qof", "OST": "osteoporosis", "PAD": "peripheral_arterial_disease",
                 "PC": "palliative_care", "RA": "rheumatoid_arthritis", "STIA": "stroke_tia"}
QOF_REL = 0.20  # QOF 2019-20 against a population generated for today: registers have grown since
JHWS = {"ltc_5plus": (51_101, 0.072), "ltc_8plus": (15_802, 0.022)}
JHWS_REL = 0.15
JHWS_SOURCE = ("Leicestershire Joint Health and Wellbeing Strategy 2022-32 (seed 002): {n:,} people with {k} "
               "long-term conditions, about {share:.1%} of Leicestershire's residents")


def qof_path() -> Path:
    return shared_dir() / "data" / "public" / QOF_FILE


@cache
def qof_targets(path: Path | None = None) -> dict[tuple[str, str], tuple[float, int, str]]:
    """(group, sub-ICB) -> (published prevalence as a fraction, the register's minimum age, QOF year) for the
    latest QOF year in the file."""
    with open(path or qof_path(), newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["ccg_code"] in ("03W", "04C", "04V")]
    latest = max(r["qof_year"] for r in rows)
    out: dict[tuple[str, str], tuple[float, int, str]] = {}
    ages: dict[str, int] = {}
    for r in rows:
        if r["qof_year"] != latest:
            continue
        # the age group the publisher's prevalence is over: the whole list ("List size") when printed, else
        # the lowest "List size ages N+" (DM 17+, CKD 18+); the 80+ lists of CHD/HYP/STIA are sub-targets
        if r["measure"] == "List size":
            ages[r["group"]] = 0
        found = re.fullmatch(r"List size ages (\d+)\+", r["measure"])
        if found:
            ages[r["group"]] = min(ages.get(r["group"], 200), int(found.group(1)))
    for r in rows:
        if r["qof_year"] == latest and r["measure"] == "Prevalence (%)" and r["group"] in QOF_REGISTERS:
            out[(r["group"], r["ccg_code"])] = (float(r["value"]) / 100, ages.get(r["group"], 0), latest)
    return out


def _phm_people(con: duckdb.DuckDBPyConnection, as_of: dt.date):
    """Registers and LTC counts of the population at ``as_of`` from the PHM engine (pandas frames)."""
    from pophealth.phm.context import PhmContext
    from pophealth.phm.pipeline import compute

    res = compute(PhmContext.create(Cdm.of_warehouse(con), as_of))
    try:
        person = res.person.select("person_id", "age", "place", "ltc_5plus", "ltc_8plus", "ltc_count").to_pandas()
        regs = res.registers.select("person_id", "register").to_pandas()
    finally:
        res.release()
    practice = con.execute("""SELECT p.person_id, gp.sub_icb_code FROM person p
        JOIN care_site_practice c USING (care_site_id) JOIN geo_practice gp USING (practice_code)""").df()
    return person.merge(practice, on="person_id", how="left"), regs


def real_llr_checks(con: duckdb.DuckDBPyConnection, path: Path | None = None) -> list[Check]:
    """Every QOF register of every sub-ICB, and the JHWS 5+ and 8+ shares, as checks."""
    as_of = dt.date.fromisoformat(str(load_params()["as_of"]))
    person, regs = _phm_people(con, as_of)
    checks: list[Check] = []
    for (group, sub_icb), (target, min_age, year) in sorted(qof_targets(path).items()):
        listed = person[(person.sub_icb_code == sub_icb) & (person.age >= min_age)]
        on = regs[regs.register == QOF_REGISTERS[group]].person_id
        num = int(listed.person_id.isin(on).sum())
        ages = f"{min_age}+" if min_age else "all ages"
        checks.append(rate_check(f"QOF {group} register, sub-ICB {sub_icb} ({ages})", num, len(listed), target,
                                 f"NHS Digital QOF {year}, CCG/sub-ICB {sub_icb} {group} recorded prevalence "
                                 f"(data/public/{QOF_FILE})", rel=QOF_REL))
    county = person[person.place == "Leicestershire"]
    for column, (n, share) in JHWS.items():
        k = "5 or more" if column == "ltc_5plus" else "8 or more"
        checks.append(rate_check(f"JHWS Leicestershire share with {k} LTCs", int(county[column].sum()), len(county),
                                 share, JHWS_SOURCE.format(n=n, k=k, share=share), rel=JHWS_REL))
    return checks
