"""The five care-team worklists: selections over the PHM engine's stored results, and their display rows.

frailty, admission risk, care gaps, last year of life and Core20PLUS5. Each worklist only chooses and
orders people; every figure it shows (eFI, LTC count, open gaps, cohorts, risk scores, the last-year-of-life
flag) was computed and stored by the PHM engine or the risk models (see ``pophealth.care.results``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import duckdb
import pandas as pd
from pydantic import BaseModel

from pophealth.care.identity import display_pseudonym
from pophealth.care.identity_store import Identity
from pophealth.care.labels import GAP_LABELS, cohort_label
from pophealth.care.outcomes import Outcome
from pophealth.cache import DataCache
from pophealth.care.results import NO_RISK_RUN, Runs, scope_part, scope_people
from pophealth.care.scope import CareScope
from pophealth.errors import NotFoundError
from pophealth.phm.definitions import cohort_definitions

Row = Mapping[str, Any]  # one person of a worklist: a DataFrame row as a record (or a Series)
Record = dict[str, Any]  # a row of a worklist's selection as plain Python values (``records``)
SHOWN = "_shown"  # a selection's record: the worklist's column values as shown (``selection``)

# The care gaps in Core20PLUS5 clinical areas: SMI health checks, hypertension case-finding and
# management, chronic respiratory disease (COPD vaccinations).
CORE20PLUS5_GAPS = ("smi_physical_health_check", "htn_bp_check", "htn_possible_undiagnosed", "htn_treated_to_target",
                    "copd_vaccination_bundle")


def plus_groups() -> tuple[str, ...]:
    """Core20 and the PLUS groups: the cohorts the engine's ``core20plus`` cohort is made of."""
    rule = cohort_definitions()["cohorts"]["core20plus"]["rule"]
    return tuple(part["cohort"] for part in rule["any"])


@dataclass(frozen=True)
class Worklist:
    name: str
    title: str
    description: str
    include: Callable[[pd.DataFrame], pd.Series]
    sort: tuple[tuple[str, bool], ...]  # (column, ascending)
    columns: tuple[tuple[str, Callable[[Row], str]], ...]  # (heading, formatter of a row)
    needs: str | None = None  # "admission" or "death": the risk run the list is read from

    def unavailable(self, runs: Runs) -> str | None:
        """Why the list cannot be shown (its risk run is missing), or None."""
        return NO_RISK_RUN if self.needs and getattr(runs, self.needs) is None else None


def _gaps(gaps: list[str]) -> str:
    return "; ".join(GAP_LABELS.get(g, g) for g in gaps)


def _efi(row: Row) -> str:
    return f"{row['efi_score']:.2f} ({row['efi_category']})" if pd.notna(row["efi_score"]) else "not scored"


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def _factors(stored: list[dict]) -> str:
    """The model's top contributing factors for the person, in plain words (empty before index-date scoring)."""
    from pophealth.phm.risk.factors import describe

    return "; ".join(describe(f["feature"], f["value"], f["contribution"]) for f in stored) or "Not stored for this run"


def c5_gaps(row: Row) -> list[str]:
    return [g for g in row["open_gaps"] if g in CORE20PLUS5_GAPS]


WORKLISTS: dict[str, Worklist] = {w.name: w for w in (
    Worklist("frailty", "Moderate or severe frailty",
             "People aged 65 and over whose electronic Frailty Index is moderate or severe (9 or more of 36 "
             "deficits), highest first.",
             lambda p: p["efi_category"].isin(["moderate", "severe"]), (("efi_score", False), ("age", False)),
             (("eFI", _efi), ("Deficits", lambda r: str(int(r["efi_deficits"]))),
              ("Long-term conditions", lambda r: str(r["ltc_count"])))),
    Worklist("admission-risk", "Risk of emergency admission",
             "People in the highest 5% of predicted risk of an emergency admission in the next 12 months "
             "(the admission-risk model), highest first.",
             lambda p: p["admission_top5"], (("admission_rank", True),),
             (("Predicted risk, 12 months", lambda r: _pct(r["admission_risk"])),
              ("Highest 1%", lambda r: "Yes" if r["admission_top1"] else "No"),
              ("Long-term conditions", lambda r: str(r["ltc_count"])),
              ("Main contributing factors (model)", lambda r: _factors(r["admission_factors"]))), needs="admission"),
    Worklist("care-gaps", "Care gaps",
             "People with at least one open care gap, most gaps first.",
             lambda p: p["open_gaps"].map(len) > 0, (("n_gaps", False), ("age", False)),
             (("Open gaps", lambda r: str(len(r["open_gaps"]))), ("Gaps", lambda r: _gaps(r["open_gaps"])))),
    Worklist("last-year-of-life", "Possibly in the last year of life",
             "People in the highest 1% of predicted risk of dying in the next 12 months (the mortality model's "
             "last-year-of-life list) who are not on the palliative care register at the latest population "
             "health run: a person on the register is never listed. Highest risk first.",
             lambda p: p["eol_rank"].notna() & ~p["registers"].map(lambda r: "palliative_care" in r),
             (("eol_rank", True),),
             (("Predicted risk of death, 12 months", lambda r: _pct(r["death_risk"])),
              ("Main contributing factors (model)", lambda r: _factors(r["death_factors"])),
              ("Surprise-question prompts", lambda r: str(r["eol_reasons"]))),
             needs="death"),
    Worklist("core20plus5", "Core20PLUS5",
             "People in the most deprived 20% (IMD deciles 1-2) or a PLUS group, with an open gap in a "
             "Core20PLUS5 clinical area (SMI health checks, hypertension, COPD vaccinations).",
             lambda p: p["cohorts"].map(lambda c: "core20plus" in c) & (p.apply(c5_gaps, axis=1).map(len) > 0),
             (("core20", False), ("age", False)),
             (("Groups", lambda r: "; ".join(cohort_label(c) for c in r["cohorts"] if c in plus_groups())),
              ("Clinical-area gaps", lambda r: _gaps(c5_gaps(r))))),
)}


# How a user may re-order a list: (column, ascending); ties by the list's own order, then person id.
SORTS: dict[str, tuple[str, str, bool]] = {
    "risk": ("Risk of emergency admission, highest first", "admission_risk", False),
    "gaps": ("Open care gaps, most first", "n_gaps", False),
    "age": ("Age, oldest first", "age", False),
    "practice": ("Practice", "practice_code", True),
}


class WorklistRow(BaseModel):
    person_id: int | None      # only for care teams (links to the person summary)
    display_id: str            # the record identifier (care teams) or a pseudonym (anyone else)
    nhs_number: str | None = None   # from the identity store, care teams in scope only
    name: str | None = None
    birth_date: dt.date | None = None
    outcome: str | None = None      # latest recorded outcome, e.g. "Contacted by jo on 2026-04-02"
    age: int
    sex: str
    practice_code: str
    imd_decile: int | None
    values: list[str]


def get_worklist(name: str) -> Worklist:
    if name not in WORKLISTS:
        raise NotFoundError(f"No worklist called {name!r}")
    return WORKLISTS[name]


def select(people: pd.DataFrame, worklist: Worklist, *, practice: str | None = None, min_age: int | None = None,
           max_age: int | None = None, sort: str | None = None) -> pd.DataFrame:
    """The worklist's people from a scope's stored results, filtered and sorted (ties by person id)."""
    if people.empty:
        return people
    chosen = people[worklist.include(people).fillna(False).astype(bool)].copy()
    if practice:
        chosen = chosen[chosen["practice_code"] == practice]
    if min_age is not None:
        chosen = chosen[chosen["age"] >= min_age]
    if max_age is not None:
        chosen = chosen[chosen["age"] <= max_age]
    chosen["n_gaps"] = chosen["open_gaps"].map(len)
    chosen["core20"] = chosen["cohorts"].map(lambda c: "core20" in c)
    keys = [c for c, _ in worklist.sort] + ["person_id"]
    ascending = [a for _, a in worklist.sort] + [True]
    if sort:
        if sort not in SORTS:
            raise NotFoundError(f"No sort order called {sort!r}")
        _, column, up = SORTS[sort]
        keys, ascending = [column, *keys], [up, *ascending]
    return chosen.sort_values(keys, ascending=ascending, kind="stable", na_position="last").reset_index(drop=True)


def selection(con: duckdb.DuckDBPyConnection, runs: Runs, scope: CareScope, worklist: Worklist, *,
              database: str | None = None, cache: DataCache | None = None, practice: str | None = None,
              min_age: int | None = None, max_age: int | None = None, sort: str | None = None) -> list[Record]:
    """A worklist's people of the scope, filtered and sorted, as records: derived from the scope's stored
    results only, so cached beside them per run (``results.scope_part``). A page of the list is a slice of
    it; identifiers and outcomes are read per request and never cached."""
    filters = {"practice": practice, "min_age": min_age, "max_age": max_age, "sort": sort}

    def chosen(people: pd.DataFrame) -> list[Record]:
        # each person's column values formatted once with the selection, not on every view of a page
        return [{**r, SHOWN: [fmt(r) for _, fmt in worklist.columns]}
                for r in records(select(people, worklist, **filters))]

    return scope_part(con, runs, scope, ("select", worklist.name, *filters.values()), chosen, database=database,
                      cache=cache)


def to_rows(chosen: pd.DataFrame | list[Record], worklist: Worklist, *, identify: bool,
            identities: dict[int, Identity] | None = None, outcomes: dict[int, Outcome] | None = None) -> list[WorklistRow]:
    """Display rows; with ``identify`` False neither identifier nor person id leaves the engine (and
    ``identities`` are ignored: only a care team in scope is given them)."""
    known = (identities or {}) if identify else {}
    done = (outcomes or {}) if identify else {}

    # built without validation: every value is converted to the field's type here, and a page builds fifty
    return [WorklistRow.model_construct(
        person_id=int(r["person_id"]) if identify else None, **identified(int(r["person_id"]), known, done),
        display_id=str(r["identifier"]) if identify else display_pseudonym(int(r["person_id"])),
        age=int(r["age"]), sex=str(r["sex"]), practice_code=str(r["practice_code"]),
        imd_decile=int(r["imd_decile"]) if pd.notna(r["imd_decile"]) else None,
        values=list(r[SHOWN]) if SHOWN in r else [fmt(r) for _, fmt in worklist.columns])
        for r in (records(chosen) if isinstance(chosen, pd.DataFrame) else chosen)]


def identified(person_id: int, identities: Mapping[int, Identity], outcomes: Mapping[int, Outcome]) -> dict[str, Any]:
    """A worklist row's identity and outcome fields for one person (None where not held or none recorded):
    the display rows' (``to_rows``) and the holes a browser's view fills (``web.routes.care``)."""
    i, o = identities.get(person_id), outcomes.get(person_id)
    return {"nhs_number": i.nhs_number_display if i else None, "name": i.name if i else None,
            "birth_date": i.birth_date if i else None,
            "outcome": f"{o.label} by {o.username} on {o.recorded_at:%Y-%m-%d}" if o else None}


def records(frame: pd.DataFrame) -> list[Record]:
    """The rows of ``frame`` as dicts of plain Python values, as ``to_dict("records")`` gives them, built
    column by column (``Series.tolist``): several times cheaper per page of a wide worklist frame."""
    columns = [str(c) for c in frame.columns]
    return [dict(zip(columns, values)) for values in zip(*(_plain(frame[c]) for c in frame.columns))]


def _plain(column: pd.Series) -> list[Any]:
    """A column's values as ``to_dict`` gives them: a nullable column's missing values are None, not NA."""
    values = column.tolist()
    if pd.api.types.is_extension_array_dtype(column.dtype):
        return [None if v is pd.NA else v for v in values]
    return values


def worklist_rows(con: duckdb.DuckDBPyConnection, runs: Runs, scope: CareScope, name: str, *, identify: bool,
                  **filters: object) -> list[WorklistRow]:
    """The rows of one worklist for a practice or PCN."""
    worklist = get_worklist(name)
    chosen = select(scope_people(con, runs, scope), worklist, **filters)  # type: ignore[arg-type]
    return to_rows(chosen, worklist, identify=identify)
