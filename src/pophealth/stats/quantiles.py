"""Assigning areas to quantiles within groups (METHODS.md section 9; R ``phe_quantile``)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from pophealth.stats._frame import column
from pophealth.stats.grouping import group_rows


def _as_bool(values: pd.Series) -> np.ndarray:
    text = values.astype(str).str.strip().str.lower()
    return text.isin(["true", "1", "yes", "t"]).to_numpy()


def quantiles(df: pd.DataFrame, value: str = "value", *, by: Sequence[str] | str | None = None,
              nquantiles: int | str = 10, invert: bool | str = True) -> pd.DataFrame:
    """The input rows with a ``quantile`` column (1 = highest values when ``invert``).

    ``nquantiles`` and ``invert`` may be numbers or column names (constant within a group,
    as R allows for polarity-driven inversion). A group with fewer non-missing values than
    quantiles gets no quantiles (``flag`` says so); missing values get none.
    """
    groups = group_rows(df, by)
    v = column(df, value)
    q = (column(df, nquantiles) if isinstance(nquantiles, str)
         else np.full(len(df), float(nquantiles)))
    inv = _as_bool(df[invert]) if isinstance(invert, str) else np.full(len(df), bool(invert))
    flag = np.full(groups.count, "", dtype=object)
    inconsistent = (groups.any(inv) & groups.any(~inv))
    flag[inconsistent] = "invert differs within the group"
    ranked = pd.Series(np.where(inv, -v, v)).groupby(groups.codes).rank(method="min").to_numpy()
    k = groups.sum(~np.isnan(v))[groups.codes]
    with np.errstate(invalid="ignore", divide="ignore"):
        raw = np.floor((q + 1) - np.ceil(((k + 1) - ranked) / (k / q)))
    raw = np.where(raw == 0, 1, raw)
    too_few = k < q
    flag = flag[groups.codes]
    flag = np.where((flag == "") & too_few, "fewer non-missing values than quantiles", flag)
    out = df.copy()
    out["quantile"] = pd.array(np.where(too_few | np.isnan(v) | (flag != ""), np.nan, raw),
                               dtype="Int64")
    out["flag"] = flag
    return out
