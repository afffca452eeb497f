"""Per-person model inputs "as at" a date T, taken from the PHM engine's own definitions at T.

There is one set of definitions: LTC flags and count, CMS, eFI deficits, registers, ethnic group and the
latest results all come from ``pophealth.phm`` (``compute`` at index date T), which reads only records
dated on or before T. The model adds what the engine does not define: emergency admissions and A&E
attendances over 6 and 24 months (the shared OMOP building blocks) and the count of medicines issued
(the number behind eFI's polypharmacy deficit). Nothing dated after T is read, which is what makes
temporal validation free of leakage; outcomes are built separately by ``outcomes``.
"""

from __future__ import annotations

import datetime as dt

import ibis.expr.types as ir
import numpy as np
import pandas as pd

from pophealth.omop import Cdm, emergency_admissions, emergency_attendances
from pophealth.phm.care_gaps import last_column
from pophealth.phm.context import PhmContext
from pophealth.phm.features import person_features, phm_results
from pophealth.phm.frailty import EFI_DEFICITS, medicines_issued

FLAG_LISTS = {"homeless": "care.homeless", "smoking_current": "care.smoking_current"}
VALUES = {"egfr": "egfr_latest", "systolic_blood_pressure": "sbp_latest", "bmi": "bmi_latest",
          "hba1c": "hba1c_latest"}


def days_before(on: dt.date, days: int) -> dt.date:
    """The first day of a window of ``days`` days ending on ``on`` (both ends included)."""
    return on - dt.timedelta(days=days - 1)


def _left(t: ir.Table, other: ir.Table, **columns) -> ir.Table:
    joined = t.left_join(other, t.person_id == other.person_id)
    return joined.select(*t.columns, **{k: joined[v] for k, v in columns.items()})


def _activity(ctx: PhmContext, facts: ir.Table) -> ir.Table:
    """Facts plus the admission and attendance windows and medicines the engine does not keep."""
    on, cdm = ctx.index_date, ctx.cdm
    t = facts
    for name, table in {"ea_6m": emergency_admissions(cdm, days_before(on, 183), on),
                        "ea_24m": emergency_admissions(cdm, days_before(on, 730), on),
                        "ae_24m": emergency_attendances(cdm, days_before(on, 730), on)}.items():
        t = _left(t, table.rename(**{f"_{name}": "value"}), **{name: f"_{name}"})
    return _left(t, medicines_issued(ctx).rename(_medicines="medicines"), medicines="_medicines")


def _person_table(ctx: PhmContext, results) -> pd.DataFrame:
    f = results.facts
    base = person_features(results)
    extra = {"practice_code": f.practice_code, "pcn_code": f.pcn_code} | {out: f[col] for out, col in VALUES.items()}
    extra |= {name: f[last_column(lst)].notnull() for name, lst in FLAG_LISTS.items() if last_column(lst) in f.columns}
    t = base.join(f.select("person_id", **extra), "person_id")
    return _activity(ctx, t).to_pandas().set_index("person_id").sort_index()


def _wide(long: pd.DataFrame, column: str, index: pd.Index, prefix: str) -> pd.DataFrame:
    """Long (person_id, name) rows as one boolean column per name."""
    flags = pd.crosstab(long.person_id, long[column]).astype(bool)
    return flags.reindex(index=index, fill_value=False).add_prefix(prefix)


def build_features(cdm: Cdm, on: dt.date) -> pd.DataFrame:
    """One row per person registered and alive at ``on``, indexed by person_id; only records up to ``on``."""
    ctx = PhmContext.create(cdm, on)
    results = phm_results(ctx)
    try:
        people = _person_table(ctx, results)
        ltc = results.ltc.select("person_id", "condition").to_pandas()
        deficits = results.deficits.filter(results.deficits.deficit.isin(EFI_DEFICITS)).to_pandas()
    finally:
        results.release()
    index = people.index
    out = people.rename(columns={"emergency_admissions_12m": "ea_12m", "ae_attendances_12m": "ae_12m",
                                 "reg_palliative_care": "palliative_register"})
    for col in ("ea_6m", "ea_12m", "ea_24m", "ae_12m", "ae_24m", "medicines"):
        out[col] = out[col].fillna(0).astype("int64")
    for col in FLAG_LISTS:
        out[col] = out[col].fillna(False).astype(bool) if col in out else False
    out["female"] = out.pop("sex") == "F"
    out["imd_quintile"] = np.ceil(out["imd_decile"] / 2)
    # eFI deficits are counted at every age (the engine scores eFI only from 65, as Clegg defined it)
    counted = deficits.groupby("person_id").deficit.nunique().reindex(index, fill_value=0)
    out["deficits_all_ages"] = counted.astype("int64")
    out["efi_score"] = out["efi_score"].fillna(out["deficits_all_ages"] / len(EFI_DEFICITS))
    ltc_flags = _wide(ltc, "condition", index, "ltc_")
    out = out.drop(columns=[c for c in ltc_flags.columns if c in out.columns]).join(ltc_flags)
    return out
