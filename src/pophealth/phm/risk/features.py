"""Per-person features "as at" a date T, computed only from records dated on or before T.

The coded and windowed parts are Ibis expressions over the OMOP tables (so they run on DuckDB
or Spark); the long (person, key) result is pivoted to one row per person in pandas. Nothing
dated after T is read, which is what makes temporal validation free of leakage; outcomes are
built separately by ``outcomes``.
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from pophealth.omop import (Cdm, age_on, died_between, emergency_admissions, emergency_attendances,
                            latest_measurement, lsoa_and_imd, observed_on, practice_and_pcn)
from pophealth.phm.risk import codelists

FEMALE = 8532
CANCER_YEARS = 5  # cancer counts as an LTC when first diagnosed in the last 5 years (CMS rule)
POLYPHARMACY_MEDICINES = 5  # eFI's 36th deficit: >= 5 distinct medicines in 12 months
EFI_DEFICITS = 36


def days_before(on: dt.date, days: int) -> dt.date:
    """The first day of a window of ``days`` days ending on ``on`` (both ends included)."""
    return on - dt.timedelta(days=days - 1)


def _coded_events(cdm: Cdm, on: dt.date) -> ir.Table:
    """Condition and observation records on or before ``on`` as (person_id, date, code)."""
    co, ob = cdm.table("condition_occurrence"), cdm.table("observation")
    events = co.select(person_id=co.person_id, date=co.condition_start_date,
                       code=co.condition_source_value.strip()).union(
        ob.select(person_id=ob.person_id, date=ob.observation_date, code=ob.observation_source_value.strip()))
    return events.filter(events.date.notnull() & (events.date <= on))


def coded_summary(cdm: Cdm, on: dt.date) -> pd.DataFrame:
    """For every person and feature key with a matching code: first and last date on or before ``on``."""
    codes = ibis.memtable(codelists.feature_codes())
    events = _coded_events(cdm, on)
    hits = events.join(codes, events.code == codes.code)
    long = hits.group_by([hits.person_id, hits.key]).aggregate(first=hits.date.min(), last=hits.date.max())
    return long.to_pandas()


def _distinct_medicines(cdm: Cdm, on: dt.date) -> ir.Table:
    d = cdm.table("drug_exposure")
    rows = d.filter(d.drug_exposure_start_date.between(days_before(on, 365), on))
    return rows.group_by("person_id").aggregate(medicines=rows.drug_source_value.nunique())


def person_frame(cdm: Cdm, on: dt.date) -> pd.DataFrame:
    """Demographics, geography, activity counts and latest results for people registered and alive at ``on``."""
    p = cdm.person
    base = p.select("person_id", female=(p.gender_concept_id == FEMALE).fill_null(False))
    parts = {
        "age": age_on(cdm, on),
        "registered": observed_on(cdm, on),
        "dead": died_between(cdm, dt.date(1800, 1, 1), on),
        "ea_6m": emergency_admissions(cdm, days_before(on, 183), on),
        "ea_12m": emergency_admissions(cdm, days_before(on, 365), on),
        "ea_24m": emergency_admissions(cdm, days_before(on, 730), on),
        "ae_12m": emergency_attendances(cdm, days_before(on, 365), on),
        "ae_24m": emergency_attendances(cdm, days_before(on, 730), on),
    }
    expr = base
    for name, table in parts.items():
        expr = expr.left_join(table, expr.person_id == table.person_id).select(
            *[c for c in expr.columns], **{name: table.value})
    for name, codes in codelists.measurement_codes().items():
        found = latest_measurement(cdm, codes, on)
        expr = expr.left_join(found, expr.person_id == found.person_id).select(
            *[c for c in expr.columns], **{name: found.value})
    geo, gp, meds = lsoa_and_imd(cdm), practice_and_pcn(cdm), _distinct_medicines(cdm, on)
    expr = expr.left_join(geo, expr.person_id == geo.person_id).select(*expr.columns, imd_decile=geo.imd_decile)
    expr = expr.left_join(gp, expr.person_id == gp.person_id).select(
        *expr.columns, practice_code=gp.practice_code, pcn_code=gp.pcn_code)
    expr = expr.left_join(meds, expr.person_id == meds.person_id).select(
        *expr.columns, medicines=meds.medicines.fill_null(0))
    expr = expr.filter(expr.registered & ~expr.dead).drop("registered", "dead")
    return expr.to_pandas().sort_values("person_id").reset_index(drop=True)


def _flags(long: pd.DataFrame, prefix: str, names: tuple[str, ...], index: pd.Index) -> pd.DataFrame:
    rows = long[long.key.str.startswith(prefix)]
    flags = np.zeros((len(index), len(names)), dtype=bool)
    row = index.get_indexer(rows.person_id)
    col = pd.Index(names).get_indexer(rows.key.str[len(prefix):])
    keep = (row >= 0) & (col >= 0)
    flags[row[keep], col[keep]] = True
    return pd.DataFrame(flags, index=index, columns=list(names))


def _last_dates(long: pd.DataFrame, prefix: str, index: pd.Index) -> pd.DataFrame:
    rows = long[long.key.str.startswith(prefix)]
    return rows.assign(key=rows.key.str[len(prefix):]).pivot(index="person_id", columns="key",
                                                           values="last").reindex(index=index)


def _ltc_flags(long: pd.DataFrame, index: pd.Index, on: dt.date) -> pd.DataFrame:
    """LTCs present at ``on``: ever recorded; active (last code after last resolved) where QOF has a
    resolved cluster; cancer first diagnosed in the last five years."""
    conditions = codelists.counted_conditions()
    flags = _flags(long, "ltc:", conditions, index)
    last = _last_dates(long, "ltc:", index)
    resolved = _last_dates(long, "ltcres:", index)
    for cond in resolved.columns:
        if cond in flags.columns and cond in last.columns:
            was_resolved = resolved[cond].notna() & ~(last[cond] > resolved[cond])
            flags[cond] &= ~was_resolved.fillna(False).astype(bool)
    if "cancer" in flags.columns:
        rows = long[long.key == "ltc:cancer"].set_index("person_id")["first"].reindex(index)
        since = pd.Timestamp(on.replace(year=on.year - CANCER_YEARS))
        flags["cancer"] &= (pd.to_datetime(rows) > since).fillna(False).to_numpy()
    return flags.add_prefix("ltc_")


def _ethnicity(long: pd.DataFrame, index: pd.Index) -> pd.Series:
    """Latest recorded ethnicity as the NHS 6-group label ("Not recorded" when none)."""
    rows = long[long.key.str.startswith("eth:")].sort_values(["person_id", "last", "key"])
    latest = rows.groupby("person_id").key.last().str[4:]
    labels = latest.map(lambda g: codelists.ETHNIC_GROUPS6.get(int(g), "Not recorded") if g.isdigit()
                        else "Not recorded")
    return labels.reindex(index).fillna("Not recorded")


def build_features(cdm: Cdm, on: dt.date) -> pd.DataFrame:
    """One row per person registered and alive at ``on``, indexed by person_id; only records up to ``on``."""
    people = person_frame(cdm, on).set_index("person_id")
    long = coded_summary(cdm, on)
    long = long[long.person_id.isin(people.index)]
    index = people.index
    ltc = _ltc_flags(long, index, on)
    deficits = _flags(long, "efi:", codelists.efi_deficits(), index)
    cohorts = _flags(long, "cohort:", codelists.FEATURE_COHORTS, index)
    pal_last = _last_dates(long, "cohort:", index)
    on_register = pd.Series(False, index=index)
    if "palliative_care" in pal_last.columns:
        ni = pal_last.get("palliative_care_not_indicated", pd.Series(pd.NaT, index=index))
        on_register = pal_last["palliative_care"].notna() & ~(ni >= pal_last["palliative_care"]).fillna(False)
    polypharmacy = people["medicines"] >= POLYPHARMACY_MEDICINES
    out = people.copy()
    out["ethnic_group"] = _ethnicity(long, index)
    out["imd_quintile"] = np.ceil(out["imd_decile"] / 2)
    out = out.join(ltc)
    out["ltc_count"] = ltc.sum(axis=1).astype("int64")
    out["efi_score"] = (deficits.sum(axis=1) + polypharmacy.astype(int)) / EFI_DEFICITS
    for name in ("housebound", "homeless", "carer", "smoking_current"):
        out[name] = cohorts[name]
    out["palliative_register"] = on_register.astype(bool)
    return out
