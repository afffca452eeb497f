"""The risk model (gradient-boosted trees, then Platt recalibration) and its two logistic baselines.

Gradient boosting follows PHM.md §5.2 (b) and Rahimian et al. 2018; the baselines are what a
new model must beat to be worth its complexity: age (natural-spline-like B-splines) and sex, and
the count of long-term conditions. Recalibration uses a held-out fold of the training year, so the
calibration step never sees the evaluation year either.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import SplineTransformer

from pophealth.phm.risk import codelists

CATEGORIES = ["Not recorded", *codelists.ETHNIC_GROUPS6.values()]
NUMERIC = ["age", "female", "imd_decile", "ea_6m", "ea_12m", "ea_24m", "ae_12m", "ae_24m", "medicines",
           "ltc_count", "efi_score", "egfr", "systolic_blood_pressure", "bmi", "hba1c", "housebound",
           "homeless", "carer", "smoking_current", "palliative_register"]
CALIBRATION_SHARE = 0.2


def feature_names(frame: pd.DataFrame) -> list[str]:
    """Model inputs: the numeric features, every LTC flag, and ethnic group (a categorical)."""
    return NUMERIC + sorted(c for c in frame.columns if c.startswith("ltc_") and c != "ltc_count") + ["ethnic"]


def design(frame: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    x = frame.assign(ethnic=pd.Categorical(frame["ethnic_group"], categories=CATEGORIES).codes)
    return x[names].astype(float)


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return np.log(p / (1 - p))


@dataclass
class RiskModel:
    """Boosted trees whose raw risks are recalibrated by logistic regression on their logit."""

    seed: int = 1
    names: list[str] = field(default_factory=list)
    trees: HistGradientBoostingClassifier | None = None
    platt: LogisticRegression | None = None

    def fit(self, frame: pd.DataFrame, y: np.ndarray) -> "RiskModel":
        self.names = feature_names(frame)
        x = design(frame, self.names)
        calib = np.random.default_rng(self.seed).random(len(frame)) < CALIBRATION_SHARE
        self.trees = HistGradientBoostingClassifier(
            learning_rate=0.05, max_iter=400, max_leaf_nodes=15, min_samples_leaf=100, l2_regularization=1.0,
            early_stopping=True, validation_fraction=0.15, n_iter_no_change=20, random_state=self.seed,
            categorical_features=[self.names.index("ethnic")])
        self.trees.fit(x[~calib], y[~calib])
        raw = self.trees.predict_proba(x[calib])[:, 1]
        self.platt = LogisticRegression(C=1e6).fit(_logit(raw)[:, None], y[calib])
        return self

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        raw = self.trees.predict_proba(design(frame, self.names))[:, 1]
        return self.platt.predict_proba(_logit(raw)[:, None])[:, 1]


@dataclass
class Baseline:
    """A logistic regression on a few columns: ``age_sex`` (age splines + sex) or ``ltc`` (LTC count)."""

    kind: str
    model: object = None

    def _x(self, frame: pd.DataFrame) -> pd.DataFrame:
        return frame[["age", "female"]].astype(float) if self.kind == "age_sex" else frame[["ltc_count"]].astype(float)

    def fit(self, frame: pd.DataFrame, y: np.ndarray) -> "Baseline":
        if self.kind == "age_sex":
            cols = ColumnTransformer([("age", SplineTransformer(n_knots=5, degree=3), ["age"]),
                                      ("sex", "passthrough", ["female"])])
            self.model = make_pipeline(cols, LogisticRegression(C=1e6, max_iter=1000))
        elif self.kind == "ltc":
            self.model = LogisticRegression(C=1e6, max_iter=1000)
        else:
            raise ValueError(f"unknown baseline {self.kind!r}")
        self.model.fit(self._x(frame), y)
        return self

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        return self.model.predict_proba(self._x(frame))[:, 1]
