"""Group keys as integer codes, and per-group sums without a Python loop per group.

Every grouped method factorises its key columns once and then works on flat numpy
arrays with ``np.bincount``; the key frame is returned alongside for the output.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Groups:
    """Which group each input row belongs to (``codes``) and the keys of each group."""

    codes: np.ndarray
    keys: pd.DataFrame

    @property
    def count(self) -> int:
        return len(self.keys)

    def sum(self, values: np.ndarray) -> np.ndarray:
        """Sum per group (NaN treated as 0; use :meth:`any` to find them)."""
        values = np.nan_to_num(np.asarray(values, dtype=float), nan=0.0)
        return np.bincount(self.codes, weights=values, minlength=self.count)

    def any(self, mask: np.ndarray) -> np.ndarray:
        """Whether any row of each group has ``mask`` set."""
        return np.bincount(self.codes, weights=np.asarray(mask, dtype=float),
                           minlength=self.count) > 0

    def size(self) -> np.ndarray:
        return np.bincount(self.codes, minlength=self.count)

    def first(self, values: np.ndarray) -> np.ndarray:
        """The value on the first row of each group (for per-group parameters)."""
        values = np.asarray(values)
        order = np.unique(self.codes, return_index=True)[1]
        return values[order]

    def broadcast(self, per_group: np.ndarray) -> np.ndarray:
        """Spread a per-group array back onto the input rows."""
        return np.asarray(per_group)[self.codes]


def group_rows(df: pd.DataFrame, by: Sequence[str] | str | None) -> Groups:
    """Factorise the grouping columns (in order of first appearance); no keys = one group."""
    by = [by] if isinstance(by, str) else list(by or [])
    if not by:
        return Groups(np.zeros(len(df), dtype=np.intp), pd.DataFrame(index=range(1 if len(df) else 0)))
    missing = [col for col in by if col not in df.columns]
    if missing:
        raise KeyError(f"group-by column(s) not found: {', '.join(missing)}")
    if len(by) == 1:
        codes, uniques = pd.factorize(df[by[0]], use_na_sentinel=False)
        keys = pd.DataFrame({by[0]: uniques})
    else:
        codes, uniques = pd.factorize(pd.MultiIndex.from_frame(df[by]), use_na_sentinel=False)
        keys = uniques.to_frame(index=False)
        keys.columns = by
    return Groups(np.asarray(codes, dtype=np.intp), keys.reset_index(drop=True))


def first_flag(*pairs: tuple[np.ndarray, str]) -> np.ndarray:
    """Per position, the message of the first condition that holds ('' when none does)."""
    size = len(pairs[0][0]) if pairs else 0
    out = np.full(size, "", dtype=object)
    for mask, message in reversed(pairs):
        out = np.where(mask, message, out)
    return out
