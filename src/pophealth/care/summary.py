"""The person summary a care team sees: the shared-care-record view (conditions, medicines, contacts,
frailty, risk, care gaps and care-plan status) for one person in the user's practice or PCN."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
from pydantic import BaseModel

from pophealth.care.codelists import load_codelists
from pophealth.care.extract import extract_person, recent_contacts
from pophealth.care.features import Facts
from pophealth.care.gaps import GAP_LABELS
from pophealth.care.profile import profile
from pophealth.care.scope import CareScope, require_in_scope
from pophealth.care.worklists import WORKLISTS, select

VISIT_KINDS = {262: "Emergency admission (via A&E)", 9201: "Inpatient stay", 9202: "Outpatient visit",
               9203: "A&E attendance"}


class Condition(BaseModel):
    label: str
    first_recorded: dt.date | None
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


class CarePlan(BaseModel):
    label: str
    status: str
    date: dt.date | None


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
    conditions: list[Condition]
    ltc_count: int
    medicines: list[Medicine]
    contacts: list[Contact]
    efi_score: float | None
    efi_category: str | None
    efi_deficits: list[str]
    emergency_6m: int
    emergency_12m: int
    emergency_24m: int
    ae_12m: int
    gaps: list[Gap]
    care_plans: list[CarePlan]
    worklists: list[str]


def _date(value) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def person_summary(con: duckdb.DuckDBPyConnection, scope: CareScope, person_id: int) -> PersonSummary:
    """The summary, or ``NotFoundError`` if the person is not in the scope (or does not exist)."""
    require_in_scope(con, scope, person_id)
    extract = extract_person(con, person_id)
    facts = Facts(extract)
    people = profile(extract)
    row = people.loc[person_id]
    lists = load_codelists()
    efi_labels = {**lists.efi_labels, "polypharmacy": "Polypharmacy"}
    conditions = [Condition(label=lists.ltc_labels.get(c, c), first_recorded=_date(facts.first_date(f"ltc:{c}")[person_id]),
                            in_ltc_count=c in lists.ltc_counted) for c in row["conditions"]]
    drugs = extract.drugs.sort_values(["last_issue", "code"], ascending=[False, True])
    medicines = [Medicine(code=str(d.code), issues_12m=int(d.issues_12m), last_issue=_date(d.last_issue))
                 for d in drugs.itertuples() if d.issues_12m > 0]
    contacts = [Contact(date=c["start"], kind=VISIT_KINDS.get(c["concept_id"], c["source"] or "Contact"))
                for c in recent_contacts(con, person_id, extract.as_of)]
    on = [name for name, w in WORKLISTS.items() if not select(people, w).empty] if row["registered"] else []
    return PersonSummary(
        person_id=person_id, identifier=str(row["identifier"]), age=int(row["age"]), sex=str(row["sex"]),
        practice_code=str(row["practice_code"]), pcn_code=row["pcn_code"], pcn_name=row["pcn_name"], place=row["place"],
        imd_decile=int(row["imd_decile"]) if pd.notna(row["imd_decile"]) else None, registered=bool(row["registered"]),
        death_date=_date(row["death_date"]), as_of=extract.as_of, conditions=conditions, ltc_count=int(row["ltc_count"]),
        medicines=medicines, contacts=contacts,
        efi_score=float(row["efi_score"]) if pd.notna(row["efi_score"]) else None, efi_category=row["efi_category"],
        efi_deficits=[efi_labels.get(d, d) for d in row["efi_deficits"]],
        emergency_6m=int(row["emergency_6m"]), emergency_12m=int(row["emergency_12m"]),
        emergency_24m=int(row["emergency_24m"]), ae_12m=int(row["ae_12m"]),
        gaps=[Gap(label=GAP_LABELS[g], status=s) for g, s in row["gaps"].items()],
        care_plans=_care_plans(facts, row, person_id), worklists=on)


def _care_plans(facts: Facts, row: pd.Series, person_id: int) -> list[CarePlan]:
    """Palliative register, dementia care plan (if dementia), medication review, carer and housebound status."""
    def last(*keys: str) -> dt.date | None:
        return _date(facts.last_date(*keys)[person_id])

    plans = [CarePlan(label="Palliative care register", status="On the register" if row["on_palliative_register"]
                      else ("Removed (no longer indicated)" if last("cohort:palliative_care") else "Not on the register"),
                      date=last("cohort:palliative_care_not_indicated", "cohort:palliative_care"))]
    if "dementia" in row["conditions"]:
        done = last("cohort:dementia_care_plan")
        plans.append(CarePlan(label="Dementia care plan", status="Recorded" if done else "Not recorded", date=done))
    review = last("cohort:medication_review")
    recent = bool(facts.within(12, "cohort:medication_review")[person_id])
    plans.append(CarePlan(label="Medication review", status="In the last 12 months" if recent
                          else ("Over 12 months ago" if review else "Not recorded"), date=review))
    for key, label in (("cohort:carer", "Carer"), ("cohort:housebound", "Housebound")):
        when = last(key)
        if when:
            plans.append(CarePlan(label=label, status="Recorded", date=when))
    return plans
