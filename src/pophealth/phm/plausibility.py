"""Plausible measurement values: a value outside its range (``plausible_values`` in definitions.yaml) is
treated as missing, so a mistyped eGFR of -2.9 or a BMI of 4 neither counts as a deficit nor as a latest value.

The range applies by code: every code of the measurement's lists and of its eFI value rules.
"""

from __future__ import annotations

import pandas as pd

from pophealth.phm.definitions import definitions

COLUMNS = ["code", "plausible_low", "plausible_high"]


def plausible_ranges(codes: pd.DataFrame, rules: pd.DataFrame) -> pd.DataFrame:
    """``code, plausible_low, plausible_high`` (both ends included) for every code with a range."""
    rows = []
    for spec in (definitions().get("plausible_values") or {}).values():
        mine = set(codes.code[codes.list_id.isin(spec.get("lists", []))])
        if "measurement" in rules.columns:
            mine |= set(rules.code[rules.measurement.isin(spec.get("measurements", []))])
        rows.extend((c, float(spec["low"]), float(spec["high"])) for c in sorted(mine))
    frame = pd.DataFrame(rows, columns=COLUMNS)
    # a code in two measurements' lists keeps the wider range (no plausible value is thrown away)
    return frame.groupby("code", as_index=False).agg(plausible_low=("plausible_low", "min"),
                                                     plausible_high=("plausible_high", "max"))
