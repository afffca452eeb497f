"""Per-person contributing factors of a risk score, from the model itself.

The risk model is a logistic regression on transformed inputs (``models.RiskModel``), so each input's
contribution to a person's log-odds is exactly its coefficient times the person's transformed input
less the training population's mean: the contributions and the base value add up to the model's raw
score. The top factors are the largest contributions in absolute value, with their direction
("raises" or "lowers" the risk against a person with the population's average inputs).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pophealth.phm.risk.models import RiskModel

TOP = 3
# Plain words for each model input (models.feature_names), with how the person's value reads.
LABELS = {
    "age": "Age",
    "ea_6m": "Emergency admissions in the last 6 months",
    "ea_12m": "Emergency admissions in the last 12 months",
    "ea_24m": "Emergency admissions in the last 24 months",
    "ae_12m": "A&E attendances in the last 12 months",
    "ae_24m": "A&E attendances in the last 24 months",
    "medicines": "Different medicines issued in the last 12 months",
    "female": "Sex",
    "imd_decile": "Deprivation (IMD decile, 1 = most deprived)",
    "ltc_count": "Long-term conditions",
    "deficits_all_ages": "Frailty deficits (of the 36 in the eFI)",
    "cms_score": "Cambridge Multimorbidity Score",
    "palliative_register": "On the palliative care register",
    "housebound": "Housebound",
}
YES_NO = ("palliative_register", "housebound")


def label(feature: str) -> str:
    return LABELS.get(feature, feature.replace("_", " ").capitalize())


def value_text(feature: str, value: float | None) -> str:
    """The person's input as a reader would say it: "87", "female", "yes", "not known"."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "not known"
    if feature == "female":
        return "female" if value else "male"
    if feature in YES_NO:
        return "yes" if value else "no"
    if feature == "cms_score":
        return f"{value:.2f}"
    return f"{value:g}"


def describe(feature: str, value: float | None, contribution: float) -> str:
    """E.g. "Emergency admissions in the last 12 months: 3 (raises risk, +0.84 log-odds)"."""
    direction = "raises" if contribution > 0 else "lowers"
    return f"{label(feature)}: {value_text(feature, value)} ({direction} risk, {contribution:+.2f} log-odds)"


def top_factors(model: RiskModel, frame: pd.DataFrame, top: int = TOP) -> tuple[float, pd.DataFrame]:
    """The base value and, per person, the ``top`` largest contributions in absolute value (ties by the
    model's input order): person_id, position (1 = largest), feature, value, contribution."""
    base, contrib = model.contributions(frame)
    values = contrib.to_numpy()
    order = np.argsort(-np.abs(values), axis=1, kind="stable")[:, :top]
    names = np.asarray(contrib.columns)
    rows = len(contrib)
    picked = names[order]
    raw = frame[list(contrib.columns)].astype(float).to_numpy()
    out = pd.DataFrame({
        "person_id": np.repeat(contrib.index.to_numpy(dtype=np.int64), order.shape[1]),
        "position": np.tile(np.arange(1, order.shape[1] + 1), rows),
        "feature": picked.ravel(),
        "value": np.take_along_axis(raw, order, axis=1).ravel(),
        "contribution": np.take_along_axis(values, order, axis=1).ravel(),
    })
    return base, out
