"""The person summary a care team sees: conditions, medicines, contacts, frailty, risk, care gaps and
registers for one person in the user's practice or PCN.

Clinical results (registers, LTC count, eFI, segment, cohorts, care gaps, risk) are the PHM engine's and the
risk models' stored results for the person; medicines and contacts are listed from the record itself.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import ibis
import pandas as pd
from pydantic import BaseModel

from pophealth.cache import DataCache
from pophealth.care.identity_store import identities
from pophealth.care.one_person import OnePersonQuery
from pophealth.care.labels import (GAP_LABELS, REGISTER_LABELS, cohort_label, condition_label, deficit_label,
                                   in_ltc_count, list_label, medicine_name)
from pophealth.omop import Cdm
from pophealth.phm.care_gaps import CARE_GAPS
from pophealth.care.record import as_of_date, identity, medicines, recent_contacts
from pophealth.care.results import NO_PHM_RUN, NO_RISK_RUN, Runs, person_results
from pophealth.care.scope import CareScope, require_in_scope
from pophealth.care.worklists import WORKLISTS, select, selection

NOT_IN_RUN = ("Not in the latest population health run: the person was not registered, or had died, "
              "on its index date.")


class Condition(BaseModel):
    label: str
    in_ltc_count: bool


class Medicine(BaseModel):
    code: str
    name: str
    issues_12m: int
    last_issue: dt.date


class Contact(BaseModel):
    date: dt.date
    kind: str


class Gap(BaseModel):
    label: str
    status: str  # "open" or "met"
    last_done: dt.date | None
    closes_with: str  # the evidence that would close it: what must be recorded


class Factor(BaseModel):
    """One of the model's top contributing factors for the person (``pophealth.phm.risk.factors``)."""
    text: str            # e.g. "Emergency admissions in the last 12 months: 3 (raises risk, +0.84 log-odds)"
    contribution: float  # log-odds against a person with the training population's mean inputs


class Risk(BaseModel):
    """A stored model score for the person: predicted 12-month risk, scored at the risk run's scoring date
    (the PHM run's index date) or, for an older run, at its cut-off."""
    label: str
    risk: float | None
    note: str
    scored_at: dt.date | None = None  # records up to this date
    stale: bool = False               # its 12 months ended before the record's as-at date
    model: str | None = None          # the model's training window, in words
    factors: list[Factor] = []


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
    registers: list[str]          # registers other than the condition registers (palliative, LD, SMI)
    groups: list[str]
    risks: list[Risk]
    worklists: list[str]


class PersonSummary(BaseModel):
    person_id: int
    identifier: str
    nhs_number: str | None = None  # from the identity store (care teams in scope only)
    name: str | None = None
    birth_date: dt.date | None = None
    address: str | None = None
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


def person_summary(con: duckdb.DuckDBPyConnection, scope: CareScope, person_id: int, runs: Runs | None,
                   identity_store: Path | None = None, *, database: str | None = None,
                   cache: DataCache | None = None) -> PersonSummary:
    """The summary, or ``NotFoundError`` if the person is not in the scope (or does not exist). Identifiers
    come from ``identity_store`` only after the scope check, and only when the store holds the person."""
    require_in_scope(con, scope, person_id)
    known = identities(identity_store, [person_id]).get(person_id)
    as_of = runs.index_date if runs else as_of_date(con)
    who = identity(con, person_id, as_of)
    stored = person_results(con, runs, person_id, scope, database=database, cache=cache) if runs else None
    phm = _phm(con, runs, stored, _lists(con, runs, scope, stored, database, cache)) \
        if runs and stored is not None else None
    return PersonSummary(
        person_id=person_id, identifier=str(who["identifier"]),
        nhs_number=known.nhs_number_display if known else None, name=known.name if known else None,
        birth_date=known.birth_date if known else None, address=known.address if known else None, age=int(stored["age"] if stored is not None else who["age"]),
        sex=str(who["sex"]), practice_code=str(who["practice_code"]), pcn_code=who["pcn_code"], pcn_name=who["pcn_name"],
        place=who["place"], imd_decile=who["imd_decile"], registered=bool(who["registered"]),
        death_date=who["death_date"], as_of=as_of,
        medicines=[Medicine(**m, name=medicine_name(m["code"]) or f"Name not in pophealth's table (code {m['code']})")
                   for m in medicines(con, person_id, as_of)],
        contacts=[Contact(date=c["date"], kind=c["kind"]) for c in recent_contacts(con, person_id, as_of)],
        phm=phm, phm_note=None if phm else (NOT_IN_RUN if runs else NO_PHM_RUN))


def _lists(con: duckdb.DuckDBPyConnection, runs: Runs, scope: CareScope, row: pd.Series,
           database: str | None, cache: DataCache | None) -> list[str]:
    """The worklists the person is on: the scope's (cached) selections when the person is of the scope at
    the run, else the lists' rules applied to the person's row alone."""
    pid = int(row["person_id"])
    available = [w for w in WORKLISTS.values() if not w.unavailable(runs)]
    if row[scope.column] == scope.code:
        return [w.title for w in available
                if any(r["person_id"] == pid for r in selection(con, runs, scope, w, database=database, cache=cache))]
    frame = row.to_frame().T.infer_objects()
    return [w.title for w in available if not select(frame, w).empty]


def _gaps(cdm: Cdm, run_id: str) -> ibis.Table:
    g = cdm.table("phm_care_gap")
    return g.filter(g.run_id == run_id).select("care_gap", "gap", "last_done").order_by([ibis.desc("gap"), "care_gap"])


GAPS = OnePersonQuery(_gaps)


def _phm(con: duckdb.DuckDBPyConnection, runs: Runs, row: pd.Series, worklists: list[str]) -> PersonPhm:
    gaps = [(r["care_gap"], r["gap"], r["last_done"]) for r in GAPS.rows(con, int(row["person_id"]), runs.phm_run)]
    deficits = str(row["efi_deficit_list"]).split(",") if isinstance(row["efi_deficit_list"], str) else []
    return PersonPhm(
        run_id=runs.phm_run,
        conditions=[Condition(label=condition_label(r), in_ltc_count=in_ltc_count(r))
                    for r in row["registers"] if r not in REGISTER_LABELS],
        ltc_count=int(row["ltc_count"]), cms_score=float(row["cms_score"]), segment=str(row["segment"]),
        efi_score=None if pd.isna(row["efi_score"]) else float(row["efi_score"]),
        efi_category=None if pd.isna(row["efi_category"]) else str(row["efi_category"]),
        efi_deficits=[deficit_label(d) for d in deficits if d],
        gaps=[Gap(label=GAP_LABELS.get(g, g), status="open" if is_gap else "met", last_done=last,
                  closes_with=closes_with(g)) for g, is_gap, last in gaps],
        registers=[REGISTER_LABELS[r] for r in row["registers"] if r in REGISTER_LABELS],
        groups=[cohort_label(c) for c in row["cohorts"]],
        risks=_risks(runs, row, runs.index_date),
        worklists=worklists)


GAP_LISTS = {g.name: g.lists for g in CARE_GAPS}


def closes_with(gap: str) -> str:
    """What recording closes the gap: any of its code lists, within the window in the check's name."""
    lists = GAP_LISTS.get(gap, ())
    if not lists:
        return "See the check's definition (docs/methods)"
    return "Record " + " or ".join(list_label(x).lower() for x in lists)


def _window(on: dt.date, as_of: dt.date) -> tuple[str, bool]:
    """The period a risk predicts, and whether it ended before the record's as-at date."""
    end = on + dt.timedelta(days=365)
    stale = end < as_of
    text = f"Scored at {on} on records to that date, predicting {on} to {end}."
    if stale:
        text += (f" That period ended before this record's date ({as_of}): the score is out of date until the "
                 f"risk models are re-run (`pophealth phm risk train`, after `pophealth phm run`).")
    return text, stale


def factors(stored: list[dict]) -> list[Factor]:
    """The model's top factors for a person, in plain words (``pophealth.phm.risk.factors``)."""
    from pophealth.phm.risk.factors import describe

    return [Factor(text=describe(f["feature"], f["value"], f["contribution"]), contribution=f["contribution"])
            for f in stored]


def _risks(runs: Runs, row: pd.Series, as_of: dt.date) -> list[Risk]:
    admission = Risk(label="Emergency admission in the next 12 months", risk=None, note=NO_RISK_RUN)
    if runs.admission:
        run = runs.admission
        scored = pd.notna(row["admission_risk"])
        window, stale = _window(run.score_date, as_of)
        admission = Risk(label=admission.label, risk=float(row["admission_risk"]) if scored else None,
                         scored_at=run.score_date, stale=stale, model=f"The model was {run.training_window}.",
                         factors=factors(row["admission_factors"]) if scored else [],
                         note=(("In the highest 5%. " if row["admission_top5"] else "Not in the highest 5%. ") + window)
                         if scored else f"Not scored at {run.score_date} (under 18 or not registered then).")
    death = Risk(label="Death in the next 12 months (last year of life)", risk=None, note=NO_RISK_RUN)
    if runs.death:
        run = runs.death
        listed = pd.notna(row["eol_rank"])
        scored = pd.notna(row["death_score"])
        window, stale = _window(run.score_date, as_of)
        if listed:
            note = (f"In the highest 1% and not on the palliative care register: on the last-year-of-life list. "
                    f"Surprise-question prompts: {row['eol_reasons']}. {window}")
        elif scored:
            note = f"Not on the last-year-of-life list (highest 1%, not on the palliative care register). {window}"
        else:
            note = f"Not scored at {run.score_date} (under 18 or not registered then)."
        death = Risk(label=death.label, risk=float(row["death_score"]) if scored else None,
                     scored_at=run.score_date, stale=stale, model=f"The model was {run.training_window}.",
                     factors=factors(row["death_factors"]) if scored else [], note=note)
    return [admission, death]
