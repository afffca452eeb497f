"""The risk model (L2-penalised logistic regression with an age spline) and its three logistic baselines.

PHM.md §5.2 allows (a) penalised regression or (b) gradient boosting. On the synthetic LLR (a few
hundred to a few thousand events a year, risk built multiplicatively from age, conditions, frailty,
deprivation and a person effect that shows in prior use) boosted trees lost to the LTC-count baseline:
they spread a few hundred events over dozens of features and could not learn the smooth age and frailty
gradients as well as a spline. A penalised logistic regression on a few strong, monotone inputs suits
that size and form (Christodoulou et al. 2019 found no gain of machine learning over logistic regression
for clinical prediction in general). The penalty is chosen by 5-fold cross-validated log-loss within the
training year, so the evaluation year is never seen. The baselines are what a new model must beat to be
worth its complexity: age (B-splines) and sex; age, sex and prior emergency admissions in 12 months (the
benchmark PHM.md §5.2 names: what prior use alone predicts); and the count of long-term conditions.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression, LogisticRegressionCV
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import SplineTransformer, StandardScaler

# Prior use and medicines enter as log(1 + count): admission rates multiply, and a long tail would
# otherwise decide the fit.
COUNTS = ["ea_6m", "ea_12m", "ea_24m", "ae_12m", "ae_24m", "medicines"]
LINEAR = ["female", "imd_decile", "ltc_count", "deficits_all_ages", "cms_score", "palliative_register",
          "housebound"]
PENALTIES = np.logspace(-3, 1, 9)  # inverse L2 strengths tried by cross-validation
FOLDS = 5
MISSING_IMD = 5.5  # people without an LSOA sit at the middle of the deprivation scale


def feature_names(frame: pd.DataFrame | None = None) -> list[str]:
    """Model inputs: age (as a spline), the prior-use counts and the linear terms."""
    return ["age", *COUNTS, *LINEAR]


def design(frame: pd.DataFrame, names: list[str] | None = None) -> pd.DataFrame:
    x = frame[feature_names()].astype(float)
    x[COUNTS] = np.log1p(x[COUNTS].clip(lower=0))
    x["imd_decile"] = x["imd_decile"].fillna(MISSING_IMD)
    return x


def _age_spline() -> SplineTransformer:
    return SplineTransformer(n_knots=5, degree=3)


@dataclass
class RiskModel:
    """Penalised logistic regression: B-spline of age plus standardised prior use, conditions and frailty."""

    seed: int = 1
    names: list[str] = field(default_factory=list)
    model: Pipeline | None = None
    reference: np.ndarray | None = None  # the training population's mean of each transformed input

    def fit(self, frame: pd.DataFrame, y: np.ndarray) -> "RiskModel":
        self.names = feature_names(frame)
        columns = ColumnTransformer([("age", _age_spline(), ["age"]),
                                     ("x", StandardScaler(), [n for n in self.names if n != "age"])])
        cv = LogisticRegressionCV(Cs=PENALTIES, cv=FOLDS, scoring="neg_log_loss", max_iter=2000)
        self.model = make_pipeline(columns, cv).fit(design(frame), y)
        self.reference = self.model[0].transform(design(frame)).mean(axis=0)
        return self

    @property
    def penalty(self) -> float:
        """The chosen inverse L2 strength C."""
        return float(self.model[-1].C_[0])

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        return self.model.predict_proba(design(frame))[:, 1]

    def margin(self, frame: pd.DataFrame) -> np.ndarray:
        """The model's raw score (log-odds), as scikit-learn computes it."""
        return self.model.decision_function(design(frame))

    def contributions(self, frame: pd.DataFrame) -> tuple[float, pd.DataFrame]:
        """Each input's contribution to each person's log-odds, and the base value they add to.

        The model is linear in its transformed inputs, so coefficient x (transformed input - its mean in the
        training population) is exact: base value + the row's contributions = the margin. Age enters as
        several spline columns; their terms are summed into one contribution for age.
        """
        columns, fitted = self.model[0], self.model[-1]
        x = columns.transform(design(frame))
        coef = fitted.coef_[0]
        terms = (x - self.reference) * coef
        spans = columns.output_indices_
        out = {"age": terms[:, spans["age"]].sum(axis=1)}
        rest = [n for n in self.names if n != "age"]
        start = spans["x"].start
        out |= {name: terms[:, start + i] for i, name in enumerate(rest)}
        base = float(fitted.intercept_[0] + self.reference @ coef)
        return base, pd.DataFrame(out, index=frame.index)[self.names]


BASELINES = ("age_sex", "age_sex_prior", "ltc")
BASELINE_COLUMNS = {"age_sex": ["age", "female"], "age_sex_prior": ["age", "female", "ea_12m"], "ltc": ["ltc_count"]}


@dataclass
class Baseline:
    """A logistic regression on a few columns: ``age_sex`` (age splines + sex), ``age_sex_prior`` (age splines,
    sex and log(1 + emergency admissions in 12 months)) or ``ltc`` (LTC count)."""

    kind: str
    model: object = None

    def _x(self, frame: pd.DataFrame) -> pd.DataFrame:
        if self.kind not in BASELINE_COLUMNS:
            raise ValueError(f"unknown baseline {self.kind!r}")
        x = frame[BASELINE_COLUMNS[self.kind]].astype(float)
        if "ea_12m" in x:
            x["ea_12m"] = np.log1p(x["ea_12m"].clip(lower=0))
        return x

    def fit(self, frame: pd.DataFrame, y: np.ndarray) -> "Baseline":
        if self.kind in ("age_sex", "age_sex_prior"):
            cols = ColumnTransformer([("age", _age_spline(), ["age"]),
                                      ("rest", "passthrough", BASELINE_COLUMNS[self.kind][1:])])
            self.model = make_pipeline(cols, LogisticRegression(C=1e6, max_iter=1000))
        elif self.kind == "ltc":
            self.model = LogisticRegression(C=1e6, max_iter=1000)
        else:
            raise ValueError(f"unknown baseline {self.kind!r}")
        self.model.fit(self._x(frame), y)
        return self

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        return self.model.predict_proba(self._x(frame))[:, 1]
