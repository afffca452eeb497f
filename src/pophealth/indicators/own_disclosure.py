"""Disclosure control of own-data indicator tables, across nested area levels and through their limits.

Two attacks on the staff pages of :mod:`pophealth.indicators.own_data` worked when each table was protected
on its own (issue 15):

- **Differencing between levels.** A practice lies wholly inside its PCN, so the PCN page's count minus the
  practice page's published counts of its other practices gave a suppressed practice count back. Nested
  levels (``AreaLevel.parent``: practice in PCN, district in place) are therefore protected together: one
  table of every area of every level plus the total, with secondary suppression in each *family* (a parent
  area and its children) and in each level (its areas and the total), repeated until no family or level has
  exactly one hidden count. Each page shows its level's rows of that one protection.
- **Inverting the limits.** Dobson limits are ``value + s·(Byar(O) − O)``, so ``(value − lower)/(upper −
  value)`` depends on the event count ``O`` alone and gave the exact count behind every rounded one. Rates and
  limits are therefore computed from the published count ``O*``: the rate is the DSR scaled to ``O*`` (the
  same age pattern of events with the rounded number of them), the limits are Dobson's at ``O*`` with the
  area's own per-event scale ``s = sqrt(var/O)`` (which does not depend on the number of events, only on the
  age mix and repeats), and the comparisons with the total are judged on those published figures.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from pophealth.disclosure import DisclosurePolicy, current_policy, protect_table
from pophealth.stats.benchmark import compare
from pophealth.stats.intervals import byars_lower, byars_upper

TOTAL_KEY = "__total__"
LIMITS = {"95": 0.95, "998": 0.998}
MIN_EVENTS = 10   # the stats engine calculates no DSR from fewer events
DEPENDENT = ("value", "lower95", "upper95", "lower998", "upper998")


def protect_nested(tables: Sequence[pd.DataFrame], parents: Sequence[dict[str, str]], *, total_code: str,
                   polarity: str, policy: DisclosurePolicy | None = None) -> list[pd.DataFrame]:
    """Protect the tables of nested levels (finest first, each with the total row) together.

    ``parents[k]`` maps each area code of level ``k`` to its area of level ``k + 1``. Returns the tables in the
    same order: counts suppressed or rounded, rates and limits from the published counts (see the module).
    """
    policy = policy or current_policy()
    joint, keys = _joint(tables, parents, total_code)
    protected = protect_table(joint[["events_count", *keys]], policy=policy, count_columns=["events_count"],
                              dependent_columns=[], group_by=[[k] for k in keys])
    counts = pd.to_numeric(protected["events_count"], errors="coerce").astype("float64").to_numpy()
    out, start = [], 0
    for table in tables:
        areas = table[table["area_code"] != total_code]
        published = np.append(counts[start:start + len(areas)], counts[-1])
        start += len(areas)
        ordered = pd.concat([areas, table[table["area_code"] == total_code]], ignore_index=True)
        out.append(_from_published(ordered, published, total_code, polarity, policy))
    return out


def _joint(tables: Sequence[pd.DataFrame], parents: Sequence[dict[str, str]], total_code: str
           ) -> tuple[pd.DataFrame, list[str]]:
    """One row per area of every level, then the total; a grouping column per level and per family."""
    rows: list[dict] = []
    for k, table in enumerate(tables):
        for code, count in zip(table["area_code"], table["events_count"]):
            if code != total_code:
                rows.append({"level": k, "code": str(code), "events_count": count})
    total = tables[0].loc[tables[0]["area_code"] == total_code, "events_count"].iloc[0]
    rows.append({"level": len(tables), "code": TOTAL_KEY, "events_count": total})
    joint = pd.DataFrame(rows)
    own = "own\x1f" + joint["level"].astype(str) + "\x1f" + joint["code"]   # a group of one: no constraint
    keys = []
    for k in range(len(tables)):
        # the areas of level k add up to the total
        joint[f"level{k}"] = np.where((joint["level"] == k) | (joint["code"] == TOTAL_KEY), "level", own)
        keys.append(f"level{k}")
    for k, mapping in enumerate(parents):
        # the areas of level k inside one area of level k + 1 add up to it
        parent = joint["code"].map(mapping).fillna("?")
        joint[f"family{k}"] = np.where(joint["level"] == k, "in\x1f" + parent,
                                       np.where(joint["level"] == k + 1, "in\x1f" + joint["code"], own))
        keys.append(f"family{k}")
    return joint, keys


def _from_published(table: pd.DataFrame, published: np.ndarray, total_code: str, polarity: str,
                    policy: DisclosurePolicy) -> pd.DataFrame:
    """Counts as published; rates and limits rebuilt from them; comparisons judged on the rebuilt figures.

    No rate is calculated from fewer than ``MIN_EVENTS`` events; a published count that rounding may have
    made from fewer (10 can be 8 or 9) gets no rate either, so a missing rate cannot tell 8 or 9 from 10-12."""
    out = table.copy()
    exact = pd.to_numeric(out["events_count"], errors="coerce").to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        unsure = published - policy.rounding_base / 2 < MIN_EVENTS
        ratio = np.where((exact > 0) & ~unsure, published / exact, np.nan)
        value = out["value"].to_numpy(dtype=float) * ratio
        out["value"] = value
        for tag, level in LIMITS.items():
            lower, upper = out[f"lower{tag}"].to_numpy(dtype=float), out[f"upper{tag}"].to_numpy(dtype=float)
            # the per-event scale s = sqrt(var / O), read back from the exact limits (Dobson with Byar's)
            scale = (upper - lower) / (byars_upper(exact, level) - byars_lower(exact, level))
            out[f"lower{tag}"] = value + scale * (byars_lower(published, level) - published)
            out[f"upper{tag}"] = value + scale * (byars_upper(published, level) - published)
    for col in DEPENDENT:
        out[col] = out[col].where(np.isfinite(out[col].to_numpy(dtype=float)))
    out["events_count"] = pd.array([None if np.isnan(v) else int(v) for v in published], dtype="Int64")
    is_total = (out["area_code"] == total_code).to_numpy()
    comparator = float(out.loc[is_total, "value"].iloc[0]) if is_total.any() else np.nan
    judged = out.rename(columns=lambda c: f"area_{c}" if c.startswith(("lower", "upper")) else c)
    judged["comparator_value"] = comparator
    for tag, level in LIMITS.items():
        labels = compare(judged, "single_ci_one_level", polarity=polarity, confidence=level,
                         value="value")["label"].to_numpy()
        # rows without a rate are not compared; the total stays the comparator
        out[f"label{tag}"] = np.where(is_total, out[f"label{tag}"],
                                      np.where(out["value"].isna().to_numpy(), "Not compared", labels))
        out.loc[np.isnan(published) & ~is_total, f"label{tag}"] = "Suppressed"
    out["person_years"] = out["person_years"].round(0)
    return out
