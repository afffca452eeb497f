"""Reference cases: CI primitives, proportions, crude rates and means."""

from __future__ import annotations

import numpy as np
import pytest

from pophealth.stats import crude_rate, mean, proportion
from pophealth.stats.intervals import byars_lower, byars_upper, exact_lower, exact_upper, wilson
from tests.stats.reference_cases import assert_close, case, case_ids

LIMITS = ["lower95", "upper95", "lower998", "upper998"]
pytestmark = pytest.mark.reference


@pytest.mark.parametrize("case_id", case_ids("ci_primitives.csv"))
def test_ci_primitives(case_id: str) -> None:
    row = case("ci_primitives.csv", case_id,
               ["source", "method", "x", "n", "confidence", "lower", "upper"]).iloc[0]
    level = row.confidence
    if row.method == "Wilson":
        lower, upper = wilson(np.array([row.x]), np.array([row.n]), level / 100)
    elif row.method == "Byars":
        lower, upper = byars_lower([row.x], level / 100), byars_upper([row.x], level / 100)
    elif row.method == "Exact":
        lower, upper = exact_lower([row.x], level / 100), exact_upper([row.x], level / 100)
    else:
        pytest.fail(f"unknown method {row.method!r}")
    one_limit_only = row.source == "PHStatsMethods-testdata"  # the source gives one limit each
    for got, expected, name in ((lower, row.lower, "lower"), (upper, row.upper, "upper")):
        if np.isnan(expected) and one_limit_only:
            continue
        assert_close(got, [expected], what=f"{case_id} {name}")  # blank = NA (e.g. Byar's < 0)


@pytest.mark.parametrize("case_id", case_ids("proportions.csv"))
def test_proportions(case_id: str) -> None:
    rows = case("proportions.csv", case_id, ["numerator", "denominator", "multiplier", "value",
                                             *LIMITS])
    out = proportion(rows, multiplier="multiplier")
    for col in ["value", *LIMITS]:
        assert_close(out[col], rows[col].iloc[:1], what=f"{case_id} {col}")


@pytest.mark.parametrize("case_id", case_ids("rates.csv"))
def test_rates(case_id: str) -> None:
    rows = case("rates.csv", case_id, ["numerator", "denominator", "multiplier", "value",
                                       "method", *LIMITS])
    out = crude_rate(rows, multiplier="multiplier")
    for col in ["value", *LIMITS]:
        assert_close(out[col], rows[col].iloc[:1], what=f"{case_id} {col}")
    if isinstance(rows["method"].iloc[0], str):
        assert out["method"].iloc[0] == rows["method"].iloc[0]


@pytest.mark.parametrize("case_id", case_ids("means.csv"))
def test_means(case_id: str) -> None:
    rows = case("means.csv", case_id, ["obs_index", "x", "n", "sum", "sd", "mean", *LIMITS])
    out = mean(rows, "x")
    for col in ["n", "sum", "sd", "mean", *LIMITS]:
        assert_close(out[col], rows[col].iloc[:1], what=f"{case_id} {col}")
