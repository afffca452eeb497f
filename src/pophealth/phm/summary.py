"""Headline figures of a run as one object (``pophealth phm summary --json``).

``risk_model`` is read from the admission-risk part's stored run when the warehouse has one (table
``phm_risk_run`` with columns ``auroc, baseline_age_sex_auroc, baseline_age_sex_prior_auroc,
baseline_ltc_auroc, calibration_slope``),
and is null otherwise. ``current`` says whether the run was computed on the population now in the warehouse
(``reason`` says why not; ``pophealth.warehouse.versions``).
"""

from __future__ import annotations

from typing import Any

import duckdb

from pophealth.errors import NotFoundError
from pophealth.phm.care_gaps import CARE_GAPS
from pophealth.phm.cohorts import cohort_names
from pophealth.phm.frailty import EFI_DEFICITS
from pophealth.phm.multimorbidity import cms_partial_items
from pophealth.phm.outputs import EFI_CATEGORIES
from pophealth.phm.run import latest_run
from pophealth.phm.segments import SEGMENTS
from pophealth.warehouse.versions import run_currency

RISK_FIELDS = ("auroc", "baseline_age_sex_auroc", "baseline_age_sex_prior_auroc", "baseline_ltc_auroc",
               "calibration_slope")


def summary(con: duckdb.DuckDBPyConnection, run_id: str | None = None) -> dict[str, Any]:
    run_id = run_id or latest_run(con)
    if run_id is None:
        raise NotFoundError("No PHM run in this warehouse", hint="Run `pophealth phm run` first.")
    run = con.execute("SELECT index_date, definitions_version, codelist_version FROM phm_run WHERE run_id = ?",
                      [run_id]).fetchall()
    if not run:
        raise NotFoundError(f"No PHM run {run_id!r}")
    agg = {m: (n, d) for m, n, d in con.execute(
        "SELECT measure, numerator, denominator FROM phm_aggregate WHERE run_id = ? AND dimension = 'all'",
        [run_id]).fetchall()}

    def n(measure: str) -> int:
        return int(agg.get(measure, (0, 0))[0])

    return {
        "run_id": run_id, "index_date": run[0][0].isoformat(), "definitions_version": run[0][1],
        "codelist_version": run[0][2],
        "people": n("people"), "ltc_2plus": n("ltc_2plus"), "ltc_5plus": n("ltc_5plus"), "ltc_8plus": n("ltc_8plus"),
        "efi": {c: n(f"efi_{c}") for c in EFI_CATEGORIES} | {"people_65plus": int(agg.get("efi_fit", (0, 0))[1])},
        "efi_deficits": efi_deficits(con, run_id),
        "segments": {s: n(f"segment_{s}") for s in SEGMENTS},
        "cohorts": {c: n(f"cohort_{c}") for c in cohort_names()},
        "care_gaps": {g.name: n(f"care_gap_{g.name}") for g in CARE_GAPS},
        "care_gap_denominators": {g.name: int(agg.get(f"care_gap_{g.name}", (0, 0))[1]) for g in CARE_GAPS},
        "care_gaps_without_codes": [g.name for g in CARE_GAPS if not g.codes_available],
        "care_gaps_partial": {g.name: g.partial for g in CARE_GAPS if g.partial},
        "cms_partial_items": cms_partial_items(),
        "risk_model": risk_model(con),
        **run_currency(con, run_id).as_dict(),
    }


def efi_deficits(con: duckdb.DuckDBPyConnection, run_id: str) -> list[int]:
    """People 65+ with each eFI deficit count, 0..36 (index = count), so the categories can be checked
    against the published cut-offs (fit 0-4, mild 5-8, moderate 9-12, severe 13+)."""
    counts = dict(con.execute("""SELECT efi_deficits, count(*) FROM phm_person
                                 WHERE run_id = ? AND efi_deficits IS NOT NULL GROUP BY 1""", [run_id]).fetchall())
    return [int(counts.get(k, 0)) for k in range(len(EFI_DEFICITS) + 1)]


def risk_model(con: duckdb.DuckDBPyConnection) -> dict[str, float | bool | None]:
    """The latest stored admission-risk evaluation, or nulls when there is none; ``current`` says whether its
    scores describe the population now in the warehouse (null when unknown)."""
    empty: dict[str, float | bool | None] = dict.fromkeys((*RISK_FIELDS, "current"))
    from pophealth.phm.risk import latest_risk_report

    report = latest_risk_report(con)
    if report is not None:
        return {k: report.get(k) for k in (*RISK_FIELDS, "current")}
    exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'phm_risk_run'").fetchall()[0][0]
    if not exists:
        return empty
    columns = {r[0] for r in con.execute("DESCRIBE phm_risk_run").fetchall()}
    if not set(RISK_FIELDS) <= columns:
        return empty
    order = "ORDER BY finished_at DESC" if "finished_at" in columns else ""
    rows = con.execute(f"SELECT {', '.join(RISK_FIELDS)} FROM phm_risk_run {order} LIMIT 1").fetchall()
    return {**{k: (None if v is None else float(v)) for k, v in zip(RISK_FIELDS, rows[0])}, "current": None} \
        if rows else empty
