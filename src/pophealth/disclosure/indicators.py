"""Public-health indicator rows as they may leave for the public: one protection for every product.

The web pages and their ``/api`` twins, the place CSV and XLSX downloads and the microsite all read
indicator values through ``pophealth.indicators.store``, which passes every row through
``protect_indicator_values`` first, so each figure is protected once, the same way everywhere:

- ``count`` and ``denominator`` are counts: 1-7 suppressed, the rest rounded to 5 (the default policy).
- The sexes of one indicator, area, age, period and breakdown add up to Persons, so they form a group
  (secondary suppression: never exactly one hidden); so do the categories of one breakdown (deprivation
  deciles, for example). A count missing at source in a group where the others have counts is withheld
  like a small one: the total minus the others would give it.
- A row whose count is withheld loses its value and confidence limits too: a rate times the published
  denominator gave the hidden count back exactly (the microsite hid Rutland's suicide count of about one
  while the web app published its rate, 3.3 per 100,000).
- Rows of indicators without counts (life expectancy, for example) are left as published.

Values of rows that are published are Fingertips' own statistics, unchanged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pophealth.disclosure.policy import DisclosurePolicy, current_policy
from pophealth.disclosure.tables import protect_table

COUNTS = ("count", "denominator")
DEPENDENT = ("value", "lower_ci95", "upper_ci95", "lower_ci998", "upper_ci998")
# rows with equal values of these add up across sexes (Male + Female = Persons) ...
BY_SEX = ("indicator_id", "area_code", "age", "time_period", "category_type", "category")
# ... and across the categories of one breakdown (deciles of deprivation, ethnic groups)
BY_CATEGORY = ("indicator_id", "area_code", "sex", "age", "time_period", "category_type")
_CATEGORY_KEY = "__category_group__"


def protect_indicator_values(frame: pd.DataFrame, policy: DisclosurePolicy | None = None) -> pd.DataFrame:
    """A copy of ``indicator_value`` rows fit to publish (see the module's docstring)."""
    policy = policy or current_policy()
    if frame.empty or "count" not in frame:
        return frame.copy()
    out = frame.copy()
    counts = [c for c in COUNTS if c in out]
    dependent = [c for c in DEPENDENT if c in out]
    by_sex = [c for c in BY_SEX if c in out]
    for col in counts:
        out[col] = pd.to_numeric(out[col], errors="coerce").astype("float64")
    # a count missing where others of its group have one is withheld like a small one
    missing = out["count"].isna()
    partial = missing.groupby([out[c] for c in by_sex], dropna=False).transform(lambda m: m.any() and not m.all())
    withheld = (missing & partial.astype(bool)).to_numpy()
    out.loc[withheld, "count"] = float(max(1, policy.max_suppressed))
    # headline rows (no breakdown) are each their own category group: only breakdowns add up across categories
    headline = (out["category_type"].fillna("") == "") if "category_type" in out else pd.Series(True, index=out.index)
    by_category = out[[c for c in BY_CATEGORY if c in out]].astype(str).agg("\x1f".join, axis=1)
    out[_CATEGORY_KEY] = np.where(headline, "row\x1f" + pd.Series(np.arange(len(out)), index=out.index).astype(str),
                                  by_category)
    text_cols = [c for c in out.columns if c not in counts and c not in dependent]
    keep = out[text_cols]
    protected = protect_table(out[counts + dependent + by_sex + [_CATEGORY_KEY]], policy=policy,
                              count_columns=counts, dependent_columns=dependent,
                              group_by=[by_sex, [_CATEGORY_KEY]])
    result = keep.drop(columns=_CATEGORY_KEY)
    for col in counts:
        result[col] = protected[col].astype("float64")
    for col in dependent:
        result[col] = protected[col].astype("float64")
    return result[list(frame.columns)]
