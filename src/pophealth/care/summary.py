"""The person summary a care team sees: conditions, medicines, contacts, frailty, risk, care gaps and
registers for one person in the user's practice or PCN.

Clinical results (registers, LTC count, eFI, segment, cohorts, care gaps, risk) are the PHM engine's and the
risk models' stored results for the person; medicines and contacts are listed from the record itself.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
from pydantic import BaseModel

from pophealth.care.labels import (GAP_LABELS, REGISTER_LABELS, cohort_label, condition_label, deficit_label,
                                   in_ltc_count)
from pophealth.care.record import as_of_date, identity, medicines, recent_contacts
from pophealth.care.results import NO_PHM_RUN, NO_RISK_RUN, Runs, person_results
from pophealth.care.scope import CareScope, require_in_scope
from pophealth.care.worklists import WORKLISTS, select

NOT_IN_RUN = ("Not in the latest population health run: the person was not registered, or had died, "
              "on its index date.")


class Condition(BaseModel):
    label: str
    in_ltc_count: bool


class Medicine(BaseModel):
    code: str
    issues_12m: int
    last_issue: dt.date


class Contact(BaseModel):
    date: dt.date
    kind: str


class Gap(BaseModel):
    label: str
    status: str  # "open" or "met"
    last_done: dt.date | None


class Risk(BaseModel):
    """A stored model score for the person: predicted 12-month risk, scored at the run's cut-off."""
    label: str
    risk: float | None
    note: str


class PersonPhm(BaseModel):
    """The engine's results for the person in one PHM run."""
    run_id: str
    conditions: list[Condition]
    ltc_count: int
    cms_score: float
    segment: str
    efi_score: float | None
    efi_category: str | None
    efi_deficits: list[str]
    gaps: list[Gap]
    registers: list[str]
    groups: list[str]
    risks: list[Risk]
    worklists: list[str]


class PersonSummary(BaseModel):
    person_id: int
    identifier: str
    age: int
    sex: str
    practice_code: str
    pcn_code: str | None
    pcn_name: str | None
    place: str | None
    imd_decile: int | None
    registered: bool
    death_date: dt.date | None
    as_of: dt.date
    medicines: list[Medicine]
    contacts: list[Contact]
    phm: PersonPhm | None
    phm_note: str | None  # why there are no PHM results, when there are none


def person_summary(con: duckdb.DuckDBPyConnection, scope: CareScope, person_id: int, runs: Runs | None) -> PersonSummary:
    """The summary, or ``NotFoundError`` if the person is not in the scope (or does not exist)."""
    require_in_scope(con, scope, person_id)
    as_of = runs.index_date if runs else as_of_date(con)
    who = identity(con, person_id, as_of)
    stored = person_results(con, runs, person_id) if runs else None
    phm = _phm(con, runs, stored) if runs and stored is not None else None
    return PersonSummary(
        person_id=person_id, identifier=str(who["identifier"]), age=int(stored["age"] if stored is not None else who["age"]),
        sex=str(who["sex"]), practice_code=str(who["practice_code"]), pcn_code=who["pcn_code"], pcn_name=who["pcn_name"],
        place=who["place"], imd_decile=who["imd_decile"], registered=bool(who["registered"]),
        death_date=who["death_date"], as_of=as_of,
        medicines=[Medicine(**m) for m in medicines(con, person_id, as_of)],
        contacts=[Contact(date=c["date"], kind=c["kind"]) for c in recent_contacts(con, person_id, as_of)],
        phm=phm, phm_note=None if phm else (NOT_IN_RUN if runs else NO_PHM_RUN))


def _phm(con: duckdb.DuckDBPyConnection, runs: Runs, row: pd.Series) -> PersonPhm:
    gaps = con.execute("SELECT care_gap, gap, last_done FROM phm_care_gap WHERE run_id = ? AND person_id = ? "
                       "ORDER BY gap DESC, care_gap", [runs.phm_run, int(row["person_id"])]).fetchall()
    deficits = str(row["efi_deficit_list"]).split(",") if isinstance(row["efi_deficit_list"], str) else []
    frame = row.to_frame().T.infer_objects()
    return PersonPhm(
        run_id=runs.phm_run,
        conditions=[Condition(label=condition_label(r), in_ltc_count=in_ltc_count(r))
                    for r in row["registers"] if r not in REGISTER_LABELS],
        ltc_count=int(row["ltc_count"]), cms_score=float(row["cms_score"]), segment=str(row["segment"]),
        efi_score=None if pd.isna(row["efi_score"]) else float(row["efi_score"]),
        efi_category=None if pd.isna(row["efi_category"]) else str(row["efi_category"]),
        efi_deficits=[deficit_label(d) for d in deficits if d],
        gaps=[Gap(label=GAP_LABELS.get(g, g), status="open" if is_gap else "met", last_done=last)
              for g, is_gap, last in gaps],
        registers=[REGISTER_LABELS[r] for r in row["registers"] if r in REGISTER_LABELS],
        groups=[cohort_label(c) for c in row["cohorts"]],
        risks=_risks(runs, row),
        worklists=[w.title for w in WORKLISTS.values() if not w.unavailable(runs) and not select(frame, w).empty])


def _risks(runs: Runs, row: pd.Series) -> list[Risk]:
    admission = Risk(label="Emergency admission in the next 12 months", risk=None, note=NO_RISK_RUN)
    if runs.admission:
        scored = pd.notna(row["admission_risk"])
        admission = Risk(label=admission.label, risk=float(row["admission_risk"]) if scored else None,
                         note=(f"Scored at {runs.admission.cutoff}; " + ("in the highest 5%" if row["admission_top5"]
                               else "not in the highest 5%")) if scored else f"Not scored at {runs.admission.cutoff} "
                              "(under 18 or not registered then)")
    death = Risk(label="Last year of life (mortality model)", risk=None, note=NO_RISK_RUN)
    if runs.death:
        listed = pd.notna(row["eol_rank"])
        death = Risk(label=death.label, risk=float(row["death_risk"]) if listed else None,
                     note=(f"On the last-year-of-life list at {runs.death.cutoff}: {row['eol_reasons']}" if listed
                           else f"Not on the last-year-of-life list at {runs.death.cutoff}"))
    return [admission, death]
