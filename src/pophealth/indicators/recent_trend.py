"""Recent trend of an indicator series, as Fingertips marks it, computed by the stats engine.

Fingertips marks a trend only on annual, non-all_annual periods ("2019", "2019/20"), from the
five most recent consecutive points with value, count, denominator and 95% limits
(METHODS.md section 12). Rolling periods such as "2015 - 17" overlap and are never marked.
Which test applies is the indicator's own flag (``trend_method`` in the catalogue, Fingertips'
"UseProportionsForTrend"), not its unit: Fingertips marks some percentages with the CI-weighted
test. The test itself is :func:`pophealth.stats.recent_trend`.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from pophealth.indicators.metadata import IndicatorMeta
from pophealth.stats import recent_trend
from pophealth.stats.trend import CANNOT, CI_WEIGHTED, LABELS, NOT_SUPPORTED, SPC_PROPORTIONS

KEYS = ["indicator_id", "area_code", "sex", "age"]
_ANNUAL = re.compile(r"^\s*\d{4}(\s*/\s*\d{2})?\s*$")  # "2019" or the financial year "2019/20"
NOT_MARKED = LABELS[CANNOT]


def is_annual(period: str) -> bool:
    """Whether a Fingertips time period is one year (calendar or financial)."""
    return bool(_ANNUAL.match(str(period)))


METHODS = {"spc_proportions": SPC_PROPORTIONS, "ci_weighted": CI_WEIGHTED, "not_supported": NOT_SUPPORTED}


def method_for(meta: IndicatorMeta) -> str:
    """The stats engine's trend method named by the indicator's own ``trend_method`` flag."""
    return METHODS[meta.trend_method]


def recent_trends(frame: pd.DataFrame, method: pd.Series | str, polarity: pd.Series | str) -> pd.DataFrame:
    """One row per indicator × area × sex × age: ``trend`` (Fingertips wording) and ``trend_points``.

    ``frame`` has ``indicator_value`` rows (headline rows of any periods); ``method`` and
    ``polarity`` (the engine's words) are one value or one per row. Series with any non-annual
    period are "Cannot be calculated".
    """
    if frame.empty:
        return pd.DataFrame(columns=KEYS + ["trend", "trend_points"])
    data = frame[KEYS].copy()
    annual = frame["time_period"].map(is_annual)
    all_annual = annual.groupby([frame[k] for k in KEYS]).transform("all")
    data["year"] = frame["start_year"].astype(float)
    for src, dst in (("count", "count"), ("denominator", "denominator"), ("value", "value"),
                     ("lower_ci95", "lower95"), ("upper_ci95", "upper95")):
        data[dst] = pd.to_numeric(frame[src], errors="coerce")
    data["method"] = np.where(all_annual, method, NOT_SUPPORTED)
    data["polarity"] = polarity
    out = recent_trend(data, by=KEYS, method="method", polarity="polarity")
    return out[KEYS].assign(trend=out["label"], trend_points=out["points"].astype(int))


def published_trend(label: str | None) -> str:
    """A published "Recent Trend" in the same words ("" when the export has none)."""
    text = " ".join((label or "").split()).lower()
    return {"could not be calculated": NOT_MARKED.lower()}.get(text, text)
