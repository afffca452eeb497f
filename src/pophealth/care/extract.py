"""Reading the records of a set of people from the OMOP warehouse in three compact frames.

The people are chosen by a scope (a practice or PCN, registered and alive at the index date) or by
one person id. Coded records are matched to the PHM code lists inside DuckDB and come back already
summarised per (person, key): first and last date, how many, and the last value. Nothing after the
index date is read (PHM.md §0). Long-term-condition keys match diagnoses only (condition_occurrence):
the gm-sde dementia list also holds "Dementia medication review", a procedure recorded as an observation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from pophealth.care.codelists import load_codelists
from pophealth.care.scope import CareScope

# Emergency admission: ER-and-inpatient (262), or inpatient (9201) admitted from the emergency room (8870);
# A&E: 9203 or 262 (the conventions of pophealth.omop.queries).
EMERGENCY_ADMISSION = "(v.visit_concept_id = 262 OR (v.visit_concept_id = 9201 AND v.admitted_from_concept_id = 8870))"
AE_ATTENDANCE = "v.visit_concept_id IN (9203, 262)"


@dataclass(frozen=True)
class Extract:
    as_of: dt.date
    people: pd.DataFrame   # one row per person
    events: pd.DataFrame   # person_id, key, first_date, last_date, n, last_value
    drugs: pd.DataFrame    # person_id, code, issues_12m, last_issue


def as_of_date(con: duckdb.DuckDBPyConnection) -> dt.date:
    """The index date: the end of the latest registration in the data, but never after today."""
    row = con.execute("SELECT max(observation_period_end_date) FROM observation_period").fetchone()
    latest = row[0] if row and row[0] else dt.date.today()
    return min(latest, dt.date.today())


def _people_sql(where: str) -> str:
    return f"""
        SELECT p.person_id, coalesce(p.person_source_value, CAST(p.person_id AS VARCHAR)) AS identifier, p.gender_source_value AS sex,
               year($as_of::DATE) - p.year_of_birth
                 - CASE WHEN (coalesce(p.month_of_birth, 1), coalesce(p.day_of_birth, 1))
                             > (month($as_of::DATE), day($as_of::DATE)) THEN 1 ELSE 0 END AS age,
               g.practice_code, g.pcn_code, g.pcn_name, g.imd2025_decile AS imd_decile, g.ltla_name, g.place,
               d.death_date,
               EXISTS (SELECT 1 FROM observation_period op WHERE op.person_id = p.person_id
                       AND $as_of::DATE BETWEEN op.observation_period_start_date AND op.observation_period_end_date)
                   AS registered
        FROM person p JOIN person_geography g USING (person_id)
        LEFT JOIN (SELECT person_id, min(death_date) AS death_date FROM death GROUP BY 1) d USING (person_id)
        WHERE {where}"""


def extract_scope(con: duckdb.DuckDBPyConnection, scope: CareScope, as_of: dt.date | None = None) -> Extract:
    """Everyone registered and alive at the index date in a practice or PCN."""
    as_of = as_of or as_of_date(con)
    where = (f"g.{scope.column} = $code AND (d.death_date IS NULL OR d.death_date > $as_of::DATE)"
             " AND EXISTS (SELECT 1 FROM observation_period op WHERE op.person_id = p.person_id"
             " AND $as_of::DATE BETWEEN op.observation_period_start_date AND op.observation_period_end_date)")
    return _extract(con, where, {"code": scope.code}, as_of)


def extract_person(con: duckdb.DuckDBPyConnection, person_id: int, as_of: dt.date | None = None) -> Extract:
    """One person's records (whether or not still registered), for the person summary."""
    as_of = as_of or as_of_date(con)
    return _extract(con, "p.person_id = $person_id", {"person_id": person_id}, as_of)


def _extract(con: duckdb.DuckDBPyConnection, where: str, params: dict, as_of: dt.date) -> Extract:
    params = {**params, "as_of": as_of}
    people = con.execute(_people_sql(where), params).df()
    ids = people["person_id"].tolist()
    codes = load_codelists().keyed
    con.register("care_codes", codes)
    try:
        events = con.execute("""
            SELECT e.person_id, c.key, min(e.event_date) AS first_date, max(e.event_date) AS last_date,
                   count(*) AS n, arg_max(e.value_as_number, e.event_date) AS last_value
            FROM omop_coded_event e JOIN care_codes c ON c.code = e.code
            WHERE e.person_id IN (SELECT unnest($ids)) AND e.event_date <= $as_of::DATE
              AND (c.key NOT LIKE 'ltc%' OR e.domain = 'condition_occurrence')
            GROUP BY ALL""", {"ids": ids, "as_of": as_of}).df()
    finally:
        con.unregister("care_codes")
    drugs = con.execute("""
        SELECT person_id, drug_source_value AS code,
               count(*) FILTER (WHERE drug_exposure_start_date > $as_of::DATE - INTERVAL 12 MONTH) AS issues_12m,
               max(drug_exposure_start_date) AS last_issue
        FROM drug_exposure
        WHERE person_id IN (SELECT unnest($ids)) AND drug_exposure_start_date <= $as_of::DATE
        GROUP BY ALL""", {"ids": ids, "as_of": as_of}).df()
    people = people.merge(_visit_counts(con, ids, as_of), on="person_id", how="left")
    for column in ("emergency_6m", "emergency_12m", "emergency_24m", "ae_12m"):
        people[column] = people[column].fillna(0).astype(int)
    return Extract(as_of, people, events, drugs)


def _visit_counts(con: duckdb.DuckDBPyConnection, ids: list[int], as_of: dt.date) -> pd.DataFrame:
    return con.execute(f"""
        SELECT v.person_id,
               count(*) FILTER (WHERE {EMERGENCY_ADMISSION} AND v.visit_start_date > $as_of::DATE - INTERVAL 6 MONTH) AS emergency_6m,
               count(*) FILTER (WHERE {EMERGENCY_ADMISSION} AND v.visit_start_date > $as_of::DATE - INTERVAL 12 MONTH) AS emergency_12m,
               count(*) FILTER (WHERE {EMERGENCY_ADMISSION} AND v.visit_start_date > $as_of::DATE - INTERVAL 24 MONTH) AS emergency_24m,
               count(*) FILTER (WHERE {AE_ATTENDANCE} AND v.visit_start_date > $as_of::DATE - INTERVAL 12 MONTH) AS ae_12m
        FROM visit_occurrence v
        WHERE v.person_id IN (SELECT unnest($ids)) AND v.visit_start_date <= $as_of::DATE
        GROUP BY 1""", {"ids": ids, "as_of": as_of}).df()


def recent_contacts(con: duckdb.DuckDBPyConnection, person_id: int, as_of: dt.date, limit: int = 10) -> list[dict]:
    """The person's latest visits (hospital and A&E contacts), newest first."""
    rows = con.execute(f"""
        SELECT v.visit_start_date, v.visit_end_date, v.visit_concept_id, v.visit_source_value,
               {EMERGENCY_ADMISSION} AS emergency
        FROM visit_occurrence v WHERE v.person_id = ? AND v.visit_start_date <= ?
        ORDER BY v.visit_start_date DESC, v.visit_occurrence_id DESC LIMIT ?""", [person_id, as_of, limit]).fetchall()
    return [{"start": r[0], "end": r[1], "concept_id": r[2], "source": r[3], "emergency": bool(r[4])} for r in rows]
