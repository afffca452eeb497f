"""The PHM engine's stored person-level results, read for one scope (or one person).

The care views compute no clinical definition of their own: registers, eFI, LTC counts, cohorts and care
gaps come from the latest ``phm run`` (``phm_person``, ``phm_person_register``, ``phm_person_cohort``,
``phm_care_gap``), admission risk from the latest admission-risk run and the last-year-of-life list from the
latest mortality run: their scores at the index date (``phm_risk_current_score``, ``phm_risk_factor``,
``phm_eol_current``) or, for a run stored before scoring at the index date existed, at its cut-off
(``phm_risk_score``, ``phm_eol_worklist``). One number, one engine.

A scope's stored results depend only on the runs they are read from, so they are cached per warehouse
file, run ids and scope (in a ``pophealth.cache.DataCache``: the web app's own, else ``SCOPE_CACHE``): a new
PHM or risk run is a new key. Identifiers, outcomes and the
audit are never cached.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import duckdb
import ibis
import ibis.expr.types as ir
import pandas as pd

from pophealth.cache import DataCache
from pophealth.care.scope import CareScope
from pophealth.phm.run import latest_run
from pophealth.warehouse.versions import population_content_id, product_current, run_currency

T = TypeVar("T")

NO_PHM_RUN = "No population health run yet — run `pophealth phm run`."
NO_RISK_RUN = "No risk model run yet — run `pophealth phm risk train`."
LIST_COLUMNS = ("registers", "cohorts", "open_gaps")


@dataclass(frozen=True)
class RiskRun:
    """A risk run as the care views use it: trained on features at ``training_cutoff`` with outcomes to
    ``cutoff``, evaluated on the year after ``cutoff``, and scored at ``scored_at`` (None: a run stored
    before scoring at the index date existed, whose scores are at the cut-off)."""

    run_id: str
    cutoff: dt.date
    training_cutoff: dt.date | None = None
    scored_at: dt.date | None = None

    @property
    def score_date(self) -> dt.date:
        """The date of the records the scores shown were computed from."""
        return self.scored_at or self.cutoff

    @property
    def training_window(self) -> str:
        start = self.training_cutoff or self.cutoff - dt.timedelta(days=365)
        return (f"trained on records to {start} and the emergency admissions and deaths of the 12 months to "
                f"{self.cutoff}, and tested on the 12 months after that")


@dataclass(frozen=True)
class Runs:
    """The runs a care view reads: the latest PHM run and, when stored, the latest risk runs."""

    phm_run: str
    index_date: dt.date
    admission: RiskRun | None
    death: RiskRun | None


def latest_runs(con: duckdb.DuckDBPyConnection, content: str | None = None) -> Runs | None:
    """None when the warehouse has no PHM run, or its latest was computed on another population (the pages
    then say so, with ``no_run_reason``, instead of showing anything).

    "Latest" follows ``pophealth.phm.run.latest_run`` and ``pophealth.phm.risk.latest_run`` (newest finished or
    created first, then the highest run id), read in two small queries: this runs on every care page."""
    from pophealth.phm.risk.store import ADMISSION, DEATH

    phm = con.execute("SELECT run_id, index_date FROM phm_run ORDER BY finished_at DESC, run_id DESC LIMIT 1").fetchall()
    if not phm:
        return None
    (run_id, index_date), = phm
    content = content or population_content_id(con)[0]  # ``content``: see run_currency
    if not run_currency(con, run_id, content).current:
        return None  # a run of an older population would show other people's results: no_run_reason says so
    try:
        rows = con.execute("""
            SELECT r.outcome, r.run_id, r.cutoff, r.training_cutoff, s.scored_at
            FROM phm_risk_run r LEFT JOIN phm_risk_scoring s USING (run_id)
            QUALIFY row_number() OVER (PARTITION BY r.outcome ORDER BY r.created_at DESC, r.run_id DESC) = 1""").fetchall()
    except duckdb.CatalogException:
        rows = []
    # scores of another population would be shown against other people: such a run counts as none
    risk = {outcome: RiskRun(rid, cutoff, training_cutoff, scored_at)
            for outcome, rid, cutoff, training_cutoff, scored_at in rows
            if product_current(con, "risk run", rid, content)}
    return Runs(run_id, index_date, risk.get(ADMISSION), risk.get(DEATH))


def no_run_reason(con: duckdb.DuckDBPyConnection, content: str | None = None) -> str:
    """Why ``latest_runs`` found nothing to show: no run yet, or the latest run is out of date."""
    run_id = latest_run(con)
    currency = run_currency(con, run_id, content) if run_id else None
    if currency is None or currency.current:
        return NO_PHM_RUN
    return f"Population health results are not shown: {currency.reason}."


CURRENT = {"scores": "phm_risk_current_score", "eol": "phm_eol_current"}
AT_CUTOFF = {"scores": "phm_risk_score", "eol": "phm_eol_worklist"}


def _as_list(value: object) -> list[str]:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return []
    return [str(v) for v in value]  # type: ignore[union-attr]


def _factors(value: object) -> list[dict]:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return []
    return [dict(v) for v in value]  # type: ignore[union-attr]


def _tables(run: RiskRun | None) -> dict[str, str]:
    return CURRENT if run is not None and run.scored_at is not None else AT_CUTOFF


def _of_run(table: ir.Table, run_id: str | None) -> ir.Table:
    """The rows of one run; none at all when there is no such run (the columns then stay null). A view of its
    own, so two joins of one table (both models' cut-off scores, both models' factors) stay apart."""
    rows = table.filter(table.run_id == run_id) if run_id is not None else table.filter(ibis.literal(False))
    return rows.view()


def _people(con: duckdb.DuckDBPyConnection, runs: Runs, chosen_by: Callable[[ir.Table], ir.BooleanValue]) -> pd.DataFrame:
    """The stored results of the people ``chosen_by`` picks from the run's ``phm_person`` rows, one row each,
    with their registers, cohorts and open gaps as lists, their risk scores, top factors and last-year-of-life
    entry; read through Ibis like every patient-level query."""
    db = ibis.duckdb.from_connection(con)
    person = db.table("phm_person")
    chosen = person.filter(person.run_id == runs.phm_run, chosen_by(person))
    ids = chosen.select("person_id")

    def per_person(table: str, column: str, *, where: Callable[[ir.Table], ir.BooleanValue] | None = None,
                   name: str) -> ir.Table:
        t = db.table(table)
        t = t.filter(t.run_id == runs.phm_run, t.person_id.isin(ids.person_id))
        return t.group_by("person_id").aggregate(**{name: t[column].collect(
            order_by=t[column], where=where(t) if where else None)})

    registers = per_person("phm_person_register", "register", name="registers")
    cohorts = per_person("phm_person_cohort", "cohort", name="cohorts")
    gaps = per_person("phm_care_gap", "care_gap", where=lambda t: t.gap, name="open_gaps")
    admission, death = runs.admission, runs.death
    scored = [r.run_id for r in (admission, death) if r is not None and r.scored_at is not None]
    f = db.table("phm_risk_factor")
    f = f.filter(f.run_id.isin(scored or [""]), f.person_id.isin(ids.person_id))
    factors = f.group_by(["run_id", "person_id"]).aggregate(factors=ibis.struct(
        {"feature": f.feature, "value": f.value, "contribution": f.contribution}).collect(order_by=f.position))
    # factors belong to the index-date scores: none beside a run's cut-off scores
    admission_scores = _of_run(db.table(_tables(admission)["scores"]), admission.run_id if admission else None)
    death_scores = _of_run(db.table(_tables(death)["scores"]), death.run_id if death else None)
    eol = _of_run(db.table(_tables(death)["eol"]), death.run_id if death else None)
    admission_factors = _of_run(factors, admission.run_id if admission and admission.scored_at else None)
    death_factors = _of_run(factors, death.run_id if death and death.scored_at else None)
    pe = db.table("person")
    c = chosen
    joined = (c.join(pe, c.person_id == pe.person_id)
              .left_join(registers, c.person_id == registers.person_id)
              .left_join(cohorts, c.person_id == cohorts.person_id)
              .left_join(gaps, c.person_id == gaps.person_id)
              .left_join(admission_scores, c.person_id == admission_scores.person_id)
              .left_join(admission_factors, c.person_id == admission_factors.person_id)
              .left_join(death_scores, c.person_id == death_scores.person_id)
              .left_join(death_factors, c.person_id == death_factors.person_id)
              .left_join(eol, c.person_id == eol.person_id))
    frame = joined.select(
        c.person_id, identifier=pe.person_source_value.fill_null(c.person_id.cast("string")),
        **{k: c[k] for k in ("age", "sex", "practice_code", "pcn_code", "imd_decile", "segment", "ltc_count",
                             "cms_score", "efi_deficits", "efi_score", "efi_category", "efi_deficit_list")},
        registers=registers.registers, cohorts=cohorts.cohorts, open_gaps=gaps.open_gaps,
        admission_risk=admission_scores.score, admission_rank=admission_scores["rank"],
        admission_top1=admission_scores.top1, admission_top5=admission_scores.top5,
        admission_factors=admission_factors.factors, death_score=death_scores.score,
        death_factors=death_factors.factors, death_risk=eol.death_risk, eol_rank=eol["rank"],
        eol_reasons=eol.reasons,
    ).order_by("person_id").to_pandas()
    for column in LIST_COLUMNS:  # absent lists become empty lists, so rules can test membership directly
        frame[column] = frame[column].map(_as_list)
    for column in ("admission_factors", "death_factors"):
        frame[column] = frame[column].map(_factors)
    frame["admission_top5"] = frame["admission_top5"].astype("boolean").fillna(False).astype(bool)
    return frame


SCOPE_RESULTS = "care scope results"
SCOPE_RESULTS_KEPT = 256
# Where scopes' results are kept when the caller has no cache of its own (the command line, tests); the web
# app passes its one ``app.state.cache``. Entries are keyed by warehouse file, run ids and scope, never stale.
SCOPE_CACHE = DataCache()


def _database_file(con: duckdb.DuckDBPyConnection) -> str | None:
    """The warehouse file behind the connection (None in memory: nothing is cached then)."""
    rows = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
    return rows[0][0] if rows and rows[0][0] else None


def _key(con: duckdb.DuckDBPyConnection, runs: Runs, scope: CareScope, database: str | None) -> tuple | None:
    path = database if database and database != ":memory:" else _database_file(con)
    return None if path is None else (path, runs, scope.kind, scope.code)


def _cached(cache: DataCache | None, key: tuple, load: Callable[[], T]) -> T:
    """The frames handed out are shared between requests: callers select from them (which copies) and never
    change them in place."""
    return (cache or SCOPE_CACHE).get(SCOPE_RESULTS, key, None, load, size=SCOPE_RESULTS_KEPT)


def scope_people(con: duckdb.DuckDBPyConnection, runs: Runs, scope: CareScope, *,
                 database: str | None = None, cache: DataCache | None = None) -> pd.DataFrame:
    """Everyone of the practice or PCN in the PHM run (registered and alive at its index date), from the
    cache when the same runs were read before. ``database`` is the warehouse file when the caller knows it
    (saves a query). Do not change the frame in place."""
    def load() -> pd.DataFrame:
        return _people(con, runs, lambda p: p[scope.column] == scope.code)

    key = _key(con, runs, scope, database)
    return load() if key is None else _cached(cache, key, load)


def scope_part(con: duckdb.DuckDBPyConnection, runs: Runs, scope: CareScope, part: tuple,
               derive: Callable[[pd.DataFrame], T], *, database: str | None = None,
               cache: DataCache | None = None) -> T:
    """Something derived only from the scope's stored results (a worklist's selection, with its filters and
    sort), cached beside them under the same runs. ``part`` names it. Do not change the frame in place."""
    people = scope_people(con, runs, scope, database=database, cache=cache)
    key = _key(con, runs, scope, database)
    return derive(people) if key is None else _cached(cache, key + part, lambda: derive(people))


def person_results(con: duckdb.DuckDBPyConnection, runs: Runs, person_id: int,
                   scope: CareScope | None = None, *, database: str | None = None,
                   cache: DataCache | None = None) -> pd.Series | None:
    """One person's stored results, or None when the run does not hold them (left or died by its index date).
    With the person's ``scope`` they come from the scope's cached results."""
    frame = pd.DataFrame()
    if scope is not None:
        people = scope_people(con, runs, scope, database=database, cache=cache)
        frame = people[people["person_id"] == person_id]
    if frame.empty:  # not in the scope's results (e.g. registered elsewhere at the run's index date)
        frame = _people(con, runs, lambda p: p.person_id == person_id)
    return None if frame.empty else frame.iloc[0]
