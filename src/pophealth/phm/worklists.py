"""Patient-level worklists for a practice or PCN: who is in which cohort, with which open care gaps.

Read from the run's stored results through Ibis, the one way into patient-level data.

Worklists are patient-level and stay inside the secure zone: they carry the pseudonymised person id,
never a name, and are for the care team of that practice or PCN.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import ibis
import pandas as pd
from ibis import _

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
    stored = ibis.duckdb.from_connection(con)
    person = stored.table("phm_person").filter(_.run_id == run_id, _[column] == code)
    gap = stored.table("phm_care_gap").filter(_.run_id == run_id, _.gap)
    gaps = gap.group_by("person_id").aggregate(open_care_gaps=gap.care_gap.group_concat(",", order_by=gap.care_gap))
    cohort = stored.table("phm_person_cohort").filter(_.run_id == run_id)
    cohorts = cohort.group_by("person_id").aggregate(cohorts=cohort.cohort.group_concat(",", order_by=cohort.cohort))
    joined = (person.left_join(gaps, person.person_id == gaps.person_id)
              .left_join(cohorts, person.person_id == cohorts.person_id)
              .select(*[person[c] for c in COLUMNS if c not in ("cohorts", "open_care_gaps")], "ltc_5plus",
                      cohorts=cohorts.cohorts, open_care_gaps=gaps.open_care_gaps))
    needs = joined.open_care_gaps.notnull() | joined.ltc_5plus | joined.efi_category.isin(["moderate", "severe"])
    frame = (joined.filter(needs).select(*COLUMNS)
             .order_by([ibis.desc("cms_score"), ibis.desc("ltc_count"), "person_id"]).to_pandas())
    if frame.empty and not person.count().to_pyarrow().as_py():  # nobody in need, or nobody there at all?
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
