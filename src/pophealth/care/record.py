"""What the record itself says about one person, read straight from OMOP: who they are, the medicines
issued and the latest hospital and A&E contacts. Lists of facts, no clinical definitions of its own: age,
registration and what counts as an emergency admission are the Ibis definitions the PHM engine uses
(``pophealth.omop``), so a summary can never show an age or an admission the engine would not count.
Nothing dated after the as-at date is read.
"""

from __future__ import annotations

import calendar
import datetime as dt

import duckdb
import ibis
import ibis.expr.types as ir

from pophealth import omop
from pophealth.care.one_person import OnePersonQuery
from pophealth.omop import Cdm
from pophealth.phm.run import default_index_date

VISIT_KINDS = {262: "Emergency admission (via A&E)", 9201: "Inpatient stay", 9202: "Outpatient visit",
               9203: "A&E attendance"}


def as_of_date(con: duckdb.DuckDBPyConnection) -> dt.date:
    """With no PHM run: the date a run would take (the end of the latest registration), but never after today."""
    return min(default_index_date(con), dt.date.today())


def _who(cdm: Cdm, as_of: dt.date) -> ir.Table:
    """The person's identifier, sex, age at ``as_of``, practice, PCN, place, IMD decile, death and registration."""
    p = cdm.person
    geo = cdm.table("person_geography")
    age = omop.age_on(cdm, as_of).rename(age="value")
    registered = omop.observed_on(cdm, as_of).rename(registered="value")
    death = cdm.table("death")
    died = death.group_by("person_id").aggregate(death_date=death.death_date.min())
    found = (p.join(geo, "person_id").join(age, "person_id").join(registered, "person_id")
             .left_join(died, "person_id"))
    return found.select(
        identifier=p.person_source_value.fill_null(p.person_id.cast("string")), sex=p.gender_source_value,
        age=found.age, practice_code=geo.practice_code, pcn_code=geo.pcn_code, pcn_name=geo.pcn_name,
        imd_decile=geo.imd2025_decile, place=geo.place, death_date=died.death_date, registered=found.registered)


WHO = OnePersonQuery(_who)


def identity(con: duckdb.DuckDBPyConnection, person_id: int, as_of: dt.date) -> dict:
    """Identifier, sex, age at ``as_of``, practice, PCN, place, IMD decile, death date and registration."""
    rows = WHO.rows(con, person_id, as_of)
    if not rows:
        raise KeyError(person_id)
    row = rows[0]
    if isinstance(row["death_date"], dt.datetime):
        row["death_date"] = row["death_date"].date()
    return row


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months earlier, or that month's last day when it is shorter (as SQL's
    ``date - INTERVAL n MONTH``): 12 months before 29 February 2024 is 28 February 2023."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _medicines(cdm: Cdm, as_of: dt.date) -> ir.Table:
    d = cdm.table("drug_exposure")
    issued = d.filter(d.drug_exposure_start_date <= as_of, d.drug_exposure_start_date > months_before(as_of, 12))
    return (issued.group_by(code=issued.drug_source_value)
            .aggregate(issues_12m=issued.count(), last_issue=issued.drug_exposure_start_date.max())
            .order_by([ibis.desc("last_issue"), "code"]))


def _contacts(cdm: Cdm, as_of: dt.date, limit: int) -> ir.Table:
    v = cdm.table("visit_occurrence")
    mine = v.filter(v.visit_start_date <= as_of)
    return (mine.select("visit_start_date", "visit_concept_id", "visit_source_value", "visit_occurrence_id",
                        emergency=omop.is_emergency_admission(mine))
            .order_by([ibis.desc("visit_start_date"), ibis.desc("visit_occurrence_id")]).limit(limit))


MEDICINES, CONTACTS = OnePersonQuery(_medicines), OnePersonQuery(_contacts)


def medicines(con: duckdb.DuckDBPyConnection, person_id: int, as_of: dt.date) -> list[dict]:
    """Medicines (by code) issued in the 12 months to ``as_of``: issues and last issue, latest first."""
    return [{"code": str(r["code"]), "issues_12m": int(r["issues_12m"]), "last_issue": _date(r["last_issue"])}
            for r in MEDICINES.rows(con, person_id, as_of)]


def recent_contacts(con: duckdb.DuckDBPyConnection, person_id: int, as_of: dt.date, limit: int = 10) -> list[dict]:
    """The person's latest visits (hospital and A&E contacts), newest first."""
    return [{"date": _date(r["visit_start_date"]),
             "kind": VISIT_KINDS.get(r["visit_concept_id"], r["visit_source_value"] or "Contact"),
             "emergency": bool(r["emergency"])} for r in CONTACTS.rows(con, person_id, as_of, limit)]


def _date(value: dt.date | dt.datetime) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value
