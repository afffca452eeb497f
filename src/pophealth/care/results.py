"""The PHM engine's stored person-level results, read for one scope (or one person).

The care views compute no clinical definition of their own: registers, eFI, LTC counts, cohorts and care
gaps come from the latest ``phm run`` (``phm_person``, ``phm_person_register``, ``phm_person_cohort``,
``phm_care_gap``), admission risk from the latest admission-risk run (``phm_risk_score``) and the
last-year-of-life list from the latest mortality run (``phm_eol_worklist``). One number, one engine.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import pandas as pd

from pophealth.care.scope import CareScope
from pophealth.phm.run import latest_run
from pophealth.warehouse.versions import population_content_id, product_current, run_currency

NO_PHM_RUN = "No population health run yet — run `pophealth phm run`."
NO_RISK_RUN = "No risk model run yet — run `pophealth phm risk train`."
LIST_COLUMNS = ("registers", "cohorts", "open_gaps")


@dataclass(frozen=True)
class RiskRun:
    run_id: str
    cutoff: dt.date


@dataclass(frozen=True)
class Runs:
    """The runs a care view reads: the latest PHM run and, when stored, the latest risk runs."""

    phm_run: str
    index_date: dt.date
    admission: RiskRun | None
    death: RiskRun | None


def latest_runs(con: duckdb.DuckDBPyConnection, content: str | None = None) -> Runs | None:
    """None when the warehouse has no PHM run, or its latest was computed on another population (the pages
    then say so, with ``no_run_reason``, instead of showing anything)."""
    # imported here: the risk package brings in scikit-learn, which the app need not load at start-up
    from pophealth.phm.risk.store import ADMISSION, DEATH, latest_run as latest_risk_run

    run_id = latest_run(con)
    content = content or (population_content_id(con)[0] if run_id else None)  # ``content``: see run_currency
    if run_id is None or not run_currency(con, run_id, content).current:
        return None  # a run of an older population would show other people's results: no_run_reason says so
    index_date = con.execute("SELECT index_date FROM phm_run WHERE run_id = ?", [run_id]).fetchone()[0]

    def risk(outcome: str) -> RiskRun | None:
        run = latest_risk_run(con, outcome)
        # scores of another population would be shown against other people: such a run counts as none
        return RiskRun(run["run_id"], run["cutoff"]) if run and product_current(con, "risk run", run["run_id"], content) \
            else None

    return Runs(run_id, index_date, risk(ADMISSION), risk(DEATH))


def no_run_reason(con: duckdb.DuckDBPyConnection, content: str | None = None) -> str:
    """Why ``latest_runs`` found nothing to show: no run yet, or the latest run is out of date."""
    run_id = latest_run(con)
    currency = run_currency(con, run_id, content) if run_id else None
    if currency is None or currency.current:
        return NO_PHM_RUN
    return f"Population health results are not shown: {currency.reason}."


PEOPLE_SQL = """
    WITH chosen AS (SELECT * FROM phm_person p WHERE p.run_id = $run AND {where}),
    reg AS (SELECT person_id, list(register ORDER BY register) AS registers FROM phm_person_register
            WHERE run_id = $run AND person_id IN (SELECT person_id FROM chosen) GROUP BY 1),
    coh AS (SELECT person_id, list(cohort ORDER BY cohort) AS cohorts FROM phm_person_cohort
            WHERE run_id = $run AND person_id IN (SELECT person_id FROM chosen) GROUP BY 1),
    gap AS (SELECT person_id, list(care_gap ORDER BY care_gap) FILTER (WHERE gap) AS open_gaps FROM phm_care_gap
            WHERE run_id = $run AND person_id IN (SELECT person_id FROM chosen) GROUP BY 1)
    SELECT c.person_id, coalesce(pe.person_source_value, CAST(c.person_id AS VARCHAR)) AS identifier,
           c.age, c.sex, c.practice_code, c.pcn_code, c.imd_decile, c.segment, c.ltc_count, c.cms_score,
           c.efi_deficits, c.efi_score, c.efi_category, c.efi_deficit_list,
           reg.registers, coh.cohorts, gap.open_gaps,
           rs.score AS admission_risk, rs.rank AS admission_rank, rs.top1 AS admission_top1,
           rs.top5 AS admission_top5,
           eol.death_risk, eol.rank AS eol_rank, eol.reasons AS eol_reasons
    FROM chosen c JOIN person pe USING (person_id)
    LEFT JOIN reg USING (person_id) LEFT JOIN coh USING (person_id) LEFT JOIN gap USING (person_id)
    LEFT JOIN phm_risk_score rs ON rs.person_id = c.person_id AND rs.run_id = $admission
    LEFT JOIN phm_eol_worklist eol ON eol.person_id = c.person_id AND eol.run_id = $death
    ORDER BY c.person_id"""


def _as_list(value: object) -> list[str]:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return []
    return [str(v) for v in value]  # type: ignore[union-attr]


def _people(con: duckdb.DuckDBPyConnection, runs: Runs, where: str, params: dict) -> pd.DataFrame:
    frame = con.execute(PEOPLE_SQL.format(where=where), {
        **params, "run": runs.phm_run, "admission": runs.admission.run_id if runs.admission else None,
        "death": runs.death.run_id if runs.death else None}).df()
    for column in LIST_COLUMNS:  # absent lists become empty lists, so rules can test membership directly
        frame[column] = frame[column].map(_as_list)
    frame["admission_top5"] = frame["admission_top5"].astype("boolean").fillna(False).astype(bool)
    return frame


def scope_people(con: duckdb.DuckDBPyConnection, runs: Runs, scope: CareScope) -> pd.DataFrame:
    """Everyone of the practice or PCN in the PHM run (registered and alive at its index date)."""
    return _people(con, runs, f"p.{scope.column} = $code", {"code": scope.code})


def person_results(con: duckdb.DuckDBPyConnection, runs: Runs, person_id: int) -> pd.Series | None:
    """One person's stored results, or None when the run does not hold them (left or died by its index date)."""
    frame = _people(con, runs, "p.person_id = $person_id", {"person_id": person_id})
    return None if frame.empty else frame.iloc[0]
