"""Tables fit to publish: every count passes the disclosure policy before a template sees it.

A ``PublishedTable`` is what both the HTML page and its CSV twin are made from, so the two can
never disagree. Count columns are those ``pophealth.disclosure.is_count_column`` names (``count``,
``numerator``, ``denominator``, ``*_count``); suppressed cells are ``None`` (an empty CSV cell,
"[c]" on the page). ``group_by`` names the columns whose equal values mark rows that add up to a
total within the table; the crawler test uses it to check secondary suppression.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import pandas as pd
from pydantic import BaseModel, Field

from pophealth.disclosure import DisclosurePolicy, current_policy, is_count_column, protect_table

Cell = str | int | float | None
_ROW = "__row__"  # a key column making every row its own group


class Column(BaseModel):
    name: str  # the CSV header: a count column is named as a count
    label: str  # the HTML header
    kind: Literal["text", "count", "number"] = "text"


class PublishedTable(BaseModel):
    slug: str  # the CSV sits beside its page as ``<page stem>-<slug>.csv``
    caption: str
    columns: list[Column]
    rows: list[dict[str, Cell]]
    group_by: list[str] = Field(default_factory=list)  # non-empty: groups add up to a total
    suppressed: list[list[str]] = Field(default_factory=list)  # per row: columns emptied by the policy
    csv_href: str | None = None  # set by the builder, relative to the page

    @property
    def has_total(self) -> bool:
        return bool(self.group_by)

    @property
    def count_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.kind == "count"]

    def group_key(self, row: dict[str, Cell]) -> str:
        return "|".join(str(row.get(c, "")) for c in self.group_by)

    @property
    def has_suppressed(self) -> bool:
        return any(self.suppressed)

    def cells(self, index: int) -> list[tuple[Column, Cell, bool]]:
        """One row as (column, value, suppressed) for the page."""
        row, hidden = self.rows[index], set(self.suppressed[index]) if self.suppressed else set()
        return [(c, row.get(c.name), c.name in hidden) for c in self.columns]


def _clean(value: object) -> Cell:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):  # numpy / pandas scalars
        value = value.item()
    return value  # type: ignore[return-value]


def publish(
    frame: pd.DataFrame,
    *,
    slug: str,
    caption: str,
    labels: dict[str, str],
    group_by: Sequence[str] = (),
    dependent: Sequence[str] = (),
    policy: DisclosurePolicy | None = None,
) -> PublishedTable:
    """Protect ``frame`` and keep the columns ``labels`` names, in that order.

    ``dependent`` columns (rates, percentages, CIs built on a count) are emptied where a count of
    their row is suppressed. Numeric columns that are neither counts nor dependent are published
    as they are (e.g. England's value beside a local one).
    """
    if not set(group_by) <= set(labels):
        raise ValueError(f"grouping columns {list(group_by)} must be published, so readers can check them")
    policy = policy or current_policy()
    counts = [c for c in frame.columns if is_count_column(c)]
    if not counts or frame.empty:  # (protect_table cannot group an empty frame; nothing to protect)
        safe = frame
    elif group_by:
        frame = _withhold_missing(frame, counts, list(group_by), policy)
        safe = protect_table(frame, policy=policy, count_columns=counts, dependent_columns=list(dependent),
                             group_by=list(group_by))
    else:  # no totals in the table: each row stands alone, so there is nothing to difference
        safe = _rowwise(frame, counts, dependent, policy)
    columns = [Column(name=name, label=label, kind=_kind(safe, name)) for name, label in labels.items()]
    rows = [{c.name: _clean(v) for c, v in zip(columns, values)}
            for values in safe[list(labels)].itertuples(index=False, name=None)]
    hidden = _suppressed(frame, rows, columns)
    return PublishedTable(slug=slug, caption=caption, columns=columns, rows=rows, group_by=list(group_by),
                          suppressed=hidden)


def _suppressed(before: pd.DataFrame, rows: list[dict[str, Cell]], columns: list[Column]) -> list[list[str]]:
    """Cells that had a value and were emptied by the policy (a cell missing at source is not suppressed)."""
    names = [c.name for c in columns]
    return [[n for n, was in zip(names, old) if row[n] is None and _clean(was) is not None]
            for row, old in zip(rows, before[names].itertuples(index=False, name=None))]


def _withhold_missing(frame: pd.DataFrame, counts: list[str], group_by: list[str],
                      policy: DisclosurePolicy) -> pd.DataFrame:
    """A count missing at source in a group with a total is as revealing as a suppressed one: the total
    minus the others gives it. So it is treated as a small count (withheld, with its row's dependent
    figures) and secondary suppression protects it like any other; groups with no counts at all
    (e.g. life expectancy) are left alone."""
    out = frame.copy()
    for col in counts:
        values = pd.to_numeric(out[col], errors="coerce")
        missing = values.isna()
        partial = missing.groupby([out[g] for g in group_by]).transform(lambda m: m.any() and not m.all())
        out[col] = values.mask(missing & partial.astype(bool), float(max(1, policy.max_suppressed)))
    return out


def _rowwise(frame: pd.DataFrame, counts: list[str], dependent: Sequence[str],
             policy: DisclosurePolicy) -> pd.DataFrame:
    """Each row its own group: primary suppression and rounding only."""
    keyed = frame.assign(**{_ROW: range(len(frame))})
    return protect_table(keyed, policy=policy, count_columns=counts, dependent_columns=list(dependent),
                         group_by=[_ROW]).drop(columns=_ROW)


def _kind(frame: pd.DataFrame, name: str) -> Literal["text", "count", "number"]:
    if is_count_column(name):
        return "count"
    return "number" if pd.api.types.is_numeric_dtype(frame[name]) and frame[name].dtype != bool else "text"


def format_cell(value: Cell, kind: str, suppressed: bool = False) -> str:
    """How a cell reads on the page: thousands separators; "[c]" where the policy emptied a cell."""
    if suppressed:
        return "[c]"
    if value is None:
        return ""
    if kind == "count":
        return f"{int(value):,}"
    if kind == "number" and isinstance(value, (int, float)):
        return f"{value:,}"
    return str(value)
