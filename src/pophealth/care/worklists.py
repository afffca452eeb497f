"""The five care-team worklists, each a rule over the scoped profile, and their rows for display.

frailty, admission risk, care gaps, last year of life and Core20PLUS5. Admission risk and last year
of life use transparent interim rules from PHM.md (prior emergency admissions, §5.2's baseline; the
palliative register and the §6 indicators) until the fitted risk models are in the warehouse.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import pandas as pd
from pydantic import BaseModel

from pophealth.care.extract import extract_scope
from pophealth.care.features import PLUS_FLAGS
from pophealth.care.gaps import GAP_LABELS
from pophealth.care.identity import display_pseudonym
from pophealth.care.profile import profile
from pophealth.care.scope import CareScope
from pophealth.errors import NotFoundError


@dataclass(frozen=True)
class Worklist:
    name: str
    title: str
    description: str
    include: Callable[[pd.DataFrame], pd.Series]
    sort: tuple[tuple[str, bool], ...]  # (column, ascending)
    columns: tuple[tuple[str, str, Callable[[pd.Series], str]], ...]  # (key, heading, formatter of a row)


def _gaps(row: pd.Series, column: str = "open_gaps") -> str:
    return "; ".join(GAP_LABELS[g] for g in row[column])


def _plus(row: pd.Series) -> str:
    groups = (["Core20 (IMD decile %d)" % row["imd_decile"]] if row["core20"] else []) + [PLUS_FLAGS[p] for p in row["plus"]]
    return "; ".join(groups)


def _efi(row: pd.Series) -> str:
    return f"{row['efi_score']:.2f} ({row['efi_category']})" if pd.notna(row["efi_score"]) else "not scored"


WORKLISTS: dict[str, Worklist] = {w.name: w for w in (
    Worklist("frailty", "Moderate or severe frailty",
             "People aged 65 and over with an electronic Frailty Index above 0.24 (moderate or severe), "
             "highest first.",
             lambda p: p["efi_score"].fillna(0) > 0.24, (("efi_score", False), ("age", False)),
             (("efi", "eFI", _efi), ("deficits", "Deficits", lambda r: str(len(r["efi_deficits"]))),
              ("ltc", "Long-term conditions", lambda r: str(r["ltc_count"])))),
    Worklist("admission-risk", "Risk of emergency admission",
             "Adults with an emergency admission in the last 12 months, or two or more A&E attendances, "
             "not on the palliative care register; most admissions first. Interim rule: prior emergency "
             "admissions, the baseline of PHM.md §5.2.",
             lambda p: (p["age"] >= 18) & ~p["on_palliative_register"] & ((p["emergency_12m"] >= 1) | (p["ae_12m"] >= 2)),
             (("emergency_12m", False), ("emergency_24m", False), ("ae_12m", False)),
             (("adm12", "Emergency admissions, 12 months", lambda r: str(r["emergency_12m"])),
              ("adm24", "Emergency admissions, 24 months", lambda r: str(r["emergency_24m"])),
              ("ae12", "A&E attendances, 12 months", lambda r: str(r["ae_12m"])))),
    Worklist("care-gaps", "Care gaps",
             "People with at least one open care gap (PHM.md §7), most gaps first.",
             lambda p: p["open_gaps"].map(len) > 0, (("n_gaps", False), ("age", False)),
             (("n", "Open gaps", lambda r: str(len(r["open_gaps"]))), ("gaps", "Gaps", _gaps))),
    Worklist("last-year-of-life", "Possibly in the last year of life",
             "People on the palliative care register, and people aged 65 and over not on it with severe frailty "
             "or two or more emergency admissions in 6 months (PHM.md §6), not yet on the register first.",
             lambda p: p["on_palliative_register"] | ((p["age"] >= 65) & ((p["efi_score"].fillna(0) > 0.36)
                                                                          | (p["emergency_6m"] >= 2))),
             (("on_palliative_register", True), ("emergency_6m", False), ("efi_score", False)),
             (("register", "On palliative register", lambda r: "Yes" if r["on_palliative_register"] else "No"),
              ("efi", "eFI", _efi), ("adm6", "Emergency admissions, 6 months", lambda r: str(r["emergency_6m"])))),
    Worklist("core20plus5", "Core20PLUS5",
             "People in the most deprived 20% (IMD deciles 1-2) or a PLUS group, with an open gap in a "
             "Core20PLUS5 clinical area (SMI health checks, hypertension to target, COPD vaccinations).",
             lambda p: (p["core20"] | (p["plus"].map(len) > 0)) & (p["core20plus5_gaps"].map(len) > 0),
             (("core20", False), ("age", False)),
             (("groups", "Groups", _plus), ("gaps", "Clinical-area gaps", lambda r: _gaps(r, "core20plus5_gaps")))),
)}


class WorklistRow(BaseModel):
    person_id: int | None      # only for care teams (links to the person summary)
    display_id: str            # the record identifier (care teams) or a pseudonym (anyone else)
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
           max_age: int | None = None) -> pd.DataFrame:
    """The worklist's people, filtered and sorted (the profile of a scope goes in)."""
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
    keys = [c for c, _ in worklist.sort] + ["person_id"]
    ascending = [a for _, a in worklist.sort] + [True]
    return chosen.reset_index().sort_values(keys, ascending=ascending, kind="stable")


def to_rows(chosen: pd.DataFrame, worklist: Worklist, *, identify: bool) -> list[WorklistRow]:
    """Display rows; with ``identify`` False neither identifier nor person id leaves the engine."""
    return [WorklistRow(
        person_id=int(r["person_id"]) if identify else None,
        display_id=str(r["identifier"]) if identify else display_pseudonym(int(r["person_id"])),
        age=int(r["age"]), sex=str(r["sex"]), practice_code=str(r["practice_code"]),
        imd_decile=int(r["imd_decile"]) if pd.notna(r["imd_decile"]) else None,
        values=[fmt(r) for _, _, fmt in worklist.columns]) for _, r in chosen.iterrows()]


def scope_profile(con: duckdb.DuckDBPyConnection, scope: CareScope) -> pd.DataFrame:
    return profile(extract_scope(con, scope))


def worklist_rows(con: duckdb.DuckDBPyConnection, scope: CareScope, name: str, *, identify: bool,
                  **filters: object) -> list[WorklistRow]:
    """The rows of one worklist for a practice or PCN."""
    worklist = get_worklist(name)
    return to_rows(select(scope_profile(con, scope), worklist, **filters), worklist, identify=identify)  # type: ignore[arg-type]
