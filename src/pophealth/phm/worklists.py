"""Patient-level worklists for a practice or PCN: who is in which cohort, with which open care gaps.

Worklists are patient-level and stay inside the secure zone: they carry the pseudonymised person id,
never a name, and are for the care team of that practice or PCN.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from pophealth.cells import csv_frame, text_only
from pophealth.errors import InputError, NotFoundError, Problem
from pophealth.phm.run import latest_run

COLUMNS = ["person_id", "practice_code", "pcn_code", "age", "sex", "segment", "ltc_count", "cms_score",
           "efi_category", "efi_score", "cohorts", "open_care_gaps"]


def worklist(con: duckdb.DuckDBPyConnection, *, practice: str | None = None, pcn: str | None = None,
             run_id: str | None = None) -> pd.DataFrame:
    """One row per person of the practice (or PCN) with at least one open care gap or a PHM flag, highest need first."""
    if (practice is None) == (pcn is None):
        raise InputError([Problem("worklist", "give exactly one of --practice or --pcn")])
    run_id = run_id or latest_run(con)
    if run_id is None:
        raise NotFoundError("No PHM run in this warehouse", hint="Run `pophealth phm run` first.")
    column, code = ("practice_code", practice) if practice else ("pcn_code", pcn)
    frame = con.execute(f"""
        WITH gaps AS (SELECT person_id, string_agg(care_gap, ',' ORDER BY care_gap) AS open_care_gaps
                      FROM phm_care_gap WHERE run_id = $run AND gap GROUP BY person_id),
             coh AS (SELECT person_id, string_agg(cohort, ',' ORDER BY cohort) AS cohorts
                     FROM phm_person_cohort WHERE run_id = $run GROUP BY person_id)
        SELECT p.person_id, p.practice_code, p.pcn_code, p.age, p.sex, p.segment, p.ltc_count, p.cms_score,
               p.efi_category, p.efi_score, coh.cohorts, gaps.open_care_gaps
        FROM phm_person p LEFT JOIN gaps USING (person_id) LEFT JOIN coh USING (person_id)
        WHERE p.run_id = $run AND p.{column} = $code
          AND (gaps.open_care_gaps IS NOT NULL OR p.ltc_5plus OR p.efi_category IN ('moderate', 'severe'))
        ORDER BY p.cms_score DESC, p.ltc_count DESC, p.person_id""", {"run": run_id, "code": code}).df()
    if frame.empty and not con.execute(f"SELECT count(*) FROM phm_person WHERE run_id = ? AND {column} = ?",
                                       [run_id, code]).fetchall()[0][0]:
        raise NotFoundError(f"No registered people for {column.split('_')[0]} {code!r} in run {run_id}")
    return frame[COLUMNS]


def export(frame: pd.DataFrame, out: Path) -> Path:
    """Write a worklist as CSV or Excel, chosen by the file's suffix."""
    suffix = out.suffix.lower()
    if suffix == ".csv":
        csv_frame(frame).to_csv(out, index=False)
    elif suffix == ".xlsx":
        with pd.ExcelWriter(out, engine="openpyxl") as writer:
            frame.to_excel(writer, index=False, sheet_name="worklist")
            text_only(writer.book)
    else:
        raise InputError([Problem(str(out), f"unsupported file type {suffix!r}; expected .csv or .xlsx")])
    return out
