"""One row per person with everything the worklists and the summary show, from one extract."""

from __future__ import annotations

import pandas as pd

from pophealth.care.codelists import load_codelists
from pophealth.care.extract import Extract
from pophealth.care.features import (Facts, active_conditions, efi, efi_category, on_palliative_register,
                                     plus_flags)
from pophealth.care.gaps import GAPS, gap_table

CORE20_DECILES = (1, 2)


def profile(extract: Extract) -> pd.DataFrame:
    """Facts per person: conditions, LTC count, eFI, palliative register, admissions, Core20PLUS, gaps."""
    facts = Facts(extract)
    out = facts.people.copy()
    if out.empty:
        for column in ("conditions", "ltc_count", "efi_deficits", "efi_score", "efi_category", "on_palliative_register",
                       "core20", "plus", "open_gaps", "core20plus5_gaps"):
            out[column] = pd.Series(dtype=object)
        return out
    conditions = active_conditions(facts)
    counted = load_codelists().ltc_counted
    present = pd.DataFrame(conditions, index=facts.index)
    out["conditions"] = present.apply(lambda row: [c for c, on in row.items() if on], axis=1)
    out["ltc_count"] = present[[c for c in present.columns if c in counted]].sum(axis=1).astype(int)
    out["efi_deficits"], out["efi_score"] = efi(facts)
    out["efi_category"] = out["efi_score"].map(lambda s: efi_category(s) if pd.notna(s) else None)
    out["on_palliative_register"] = on_palliative_register(facts)
    out["core20"] = out["imd_decile"].isin(CORE20_DECILES)
    out["plus"] = plus_flags(facts, conditions)
    gaps = gap_table(facts, conditions)
    out["gaps"] = gaps.apply(lambda row: {k: v for k, v in row.items() if isinstance(v, str)}, axis=1)
    out["open_gaps"] = gaps.apply(lambda row: [k for k, v in row.items() if v == "open"], axis=1)
    c5 = {g.name for g in GAPS if g.core20plus5}
    out["core20plus5_gaps"] = out["open_gaps"].map(lambda gs: [g for g in gs if g in c5])
    return out
