"""Protecting a whole table: primary and secondary suppression, rounding, dependent columns.

A table is a DataFrame of cells. Cells that add up to a published total form a *group* (for example
the rows of one area whose ``category`` values sum to the area's "Total" row). If a group has
exactly one suppressed cell, its total would give that cell away by differencing, so the smallest
other published cell of the group is suppressed too (secondary suppression); if the total itself
is among the cells, it counts as a member. Rates, percentages and confidence limits computed from a
suppressed count are suppressed with it. Suppressed cells are left empty (NaN / None).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from pophealth.disclosure.policy import DisclosurePolicy, current_policy, is_count_column


def protect_table(
    table: pd.DataFrame,
    *,
    policy: DisclosurePolicy | None = None,
    count_columns: Sequence[str] | None = None,
    dependent_columns: Sequence[str] | None = None,
    group_by: Sequence[str] | Sequence[Sequence[str]] | None = None,
) -> pd.DataFrame:
    """Return a copy of ``table`` fit to publish under ``policy``.

    - ``count_columns``: default every column named as a count (see ``is_count_column``).
    - ``dependent_columns``: values derived from the counts (rates, percentages, CIs); suppressed
      in any row where a count is suppressed. Default: every other numeric column.
    - ``group_by``: columns whose equal values mark cells that add up to a total within the table
      (rows sharing them form one group); secondary suppression keeps at least two suppressed
      cells in any group that has one. Without it, the whole table is one group. Give a list of
      such lists for a table with margins in several directions (e.g. ``[["area"], ["age"]]``);
      suppression is repeated until every grouping is safe.
    """
    policy = policy or current_policy()  # the configured policy unless the caller chose one
    out = table.copy()
    groupings = _groupings(group_by)
    grouping_columns = {c for g in groupings for c in g}
    counts = list(count_columns) if count_columns is not None else [c for c in out.columns if is_count_column(c)]
    if dependent_columns is None:
        dependent_columns = [
            c for c in out.columns
            if c not in counts and c not in grouping_columns and pd.api.types.is_numeric_dtype(out[c])
        ]
    suppressed_row = np.zeros(len(out), dtype=bool)
    for col in counts:
        values = pd.to_numeric(out[col], errors="coerce").to_numpy(dtype=float)
        small = np.array([policy.is_small(v) for v in values], dtype=bool)
        if policy.secondary:
            small = _secondary(values, small, out, groupings)
        rounded = np.array([np.nan if np.isnan(v) else policy.round(v) for v in values], dtype=float)
        rounded[small] = np.nan
        out[col] = pd.array([None if np.isnan(v) else int(v) for v in rounded], dtype="Int64")
        suppressed_row |= small
    for col in dependent_columns:
        out[col] = out[col].astype("float64").where(~suppressed_row)
    return out


def _groupings(group_by: Sequence[str] | Sequence[Sequence[str]] | None) -> list[list[str]]:
    if not group_by:
        return [[]]
    if all(isinstance(g, str) for g in group_by):
        return [list(group_by)]  # type: ignore[arg-type]
    return [list(g) for g in group_by]


def _secondary(values: np.ndarray, small: np.ndarray, frame: pd.DataFrame, groupings: list[list[str]]) -> np.ndarray:
    """Add secondary suppressions until no group of any grouping has exactly one suppressed cell."""
    small = small.copy()
    key_sets = [
        frame[g].astype(str).agg("\x1f".join, axis=1).to_numpy() if g else np.zeros(len(frame), dtype=object)
        for g in groupings
    ]
    # the rows of each group, found once (a scan per group was quadratic: minutes on a national table)
    group_sets = [list(pd.Series(np.arange(len(frame))).groupby(keys, sort=False).indices.values())
                  for keys in key_sets]
    changed = True
    while changed:
        changed = False
        for groups in group_sets:
            for idx in groups:
                if small[idx].sum() != 1:
                    continue
                candidates = [i for i in idx if not small[i] and not np.isnan(values[i])]
                if not candidates:
                    continue
                # the smallest other cell, so that as little as possible is hidden
                small[min(candidates, key=lambda i: (values[i], i))] = True
                changed = True
    return small
