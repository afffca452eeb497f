"""What the record itself says about one person, read straight from OMOP: who they are, the medicines
issued and the latest hospital and A&E contacts. Lists of facts, no clinical definitions (those are the
PHM engine's); nothing dated after the as-at date is read.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

# Emergency admission: ER-and-inpatient (262), or inpatient (9201) admitted from the emergency room (8870)
# (the convention of pophealth.omop.queries.emergency_admissions).
EMERGENCY_ADMISSION = "(v.visit_concept_id = 262 OR (v.visit_concept_id = 9201 AND v.admitted_from_concept_id = 8870))"
VISIT_KINDS = {262: "Emergency admission (via A&E)", 9201: "Inpatient stay", 9202: "Outpatient visit",
               9203: "A&E attendance"}


def as_of_date(con: duckdb.DuckDBPyConnection) -> dt.date:
    """With no PHM run: the end of the latest registration in the data, but never after today."""
    row = con.execute("SELECT max(observation_period_end_date) FROM observation_period").fetchone()
    latest = row[0] if row and row[0] else dt.date.today()
    return min(latest, dt.date.today())


def identity(con: duckdb.DuckDBPyConnection, person_id: int, as_of: dt.date) -> dict:
    """Identifier, sex, age at ``as_of``, practice, PCN, place, IMD decile, death date and registration."""
    frame = con.execute("""
        SELECT coalesce(p.person_source_value, CAST(p.person_id AS VARCHAR)) AS identifier, p.gender_source_value AS sex,
               year($as_of::DATE) - p.year_of_birth
                 - CASE WHEN (coalesce(p.month_of_birth, 1), coalesce(p.day_of_birth, 1))
                             > (month($as_of::DATE), day($as_of::DATE)) THEN 1 ELSE 0 END AS age,
               g.practice_code, g.pcn_code, g.pcn_name, g.imd2025_decile AS imd_decile, g.place,
               (SELECT min(death_date) FROM death d WHERE d.person_id = p.person_id) AS death_date,
               EXISTS (SELECT 1 FROM observation_period op WHERE op.person_id = p.person_id
                       AND $as_of::DATE BETWEEN op.observation_period_start_date AND op.observation_period_end_date)
                   AS registered
        FROM person p JOIN person_geography g USING (person_id) WHERE p.person_id = $person_id""",
        {"person_id": person_id, "as_of": as_of}).df()
    row = frame.iloc[0].to_dict()
    return {k: (None if not isinstance(v, (list, str)) and pd.isna(v) else v) for k, v in row.items()}


def medicines(con: duckdb.DuckDBPyConnection, person_id: int, as_of: dt.date) -> list[dict]:
    """Medicines (by code) issued in the 12 months to ``as_of``: issues and last issue, latest first."""
    rows = con.execute("""
        SELECT drug_source_value AS code, count(*) AS issues_12m, max(drug_exposure_start_date) AS last_issue
        FROM drug_exposure
        WHERE person_id = $person_id AND drug_exposure_start_date <= $as_of::DATE
          AND drug_exposure_start_date > $as_of::DATE - INTERVAL 12 MONTH
        GROUP BY 1 ORDER BY last_issue DESC, code""", {"person_id": person_id, "as_of": as_of}).fetchall()
    return [{"code": str(r[0]), "issues_12m": int(r[1]), "last_issue": r[2]} for r in rows]


def recent_contacts(con: duckdb.DuckDBPyConnection, person_id: int, as_of: dt.date, limit: int = 10) -> list[dict]:
    """The person's latest visits (hospital and A&E contacts), newest first."""
    rows = con.execute(f"""
        SELECT v.visit_start_date, v.visit_concept_id, v.visit_source_value, {EMERGENCY_ADMISSION} AS emergency
        FROM visit_occurrence v WHERE v.person_id = ? AND v.visit_start_date <= ?
        ORDER BY v.visit_start_date DESC, v.visit_occurrence_id DESC LIMIT ?""", [person_id, as_of, limit]).fetchall()
    return [{"date": r[0], "kind": VISIT_KINDS.get(r[1], r[2] or "Contact"), "emergency": bool(r[3])} for r in rows]
