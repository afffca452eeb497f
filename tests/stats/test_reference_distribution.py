"""Reference cases: life expectancy, slope index of inequality and quantiles."""

from __future__ import annotations

import numpy as np
import pytest

from pophealth.stats import life_expectancy, quantiles, sii
from pophealth.stats.confidence import suffix
from tests.stats.reference_cases import assert_close, case, case_ids

LIMITS = ["lower95", "upper95", "lower998", "upper998"]
pytestmark = pytest.mark.reference


@pytest.mark.parametrize("case_id", case_ids("life_expectancy.csv"))
def test_life_expectancy(case_id: str) -> None:
    rows = case("life_expectancy.csv", case_id, ["startage", "deaths", "pop", "value", *LIMITS,
                                                 "pops_used", "dths_used",
                                                 "suppression_expected"])
    out = life_expectancy(rows)
    for col in ["value", *LIMITS]:
        assert_close(out[col], rows[col], abs_=1e-6, rel=0, what=f"{case_id} {col}")
    for col in ["pops_used", "dths_used"]:
        assert_close(out[col], rows[col], what=f"{case_id} {col}")
    suppressed = rows["suppression_expected"].notna()
    assert ((out["flag"] != "") | ~suppressed).all(), "suppressed rows must say why"


SII_INPUT = ["quantile", "population", "count", "value", "lower_cl", "upper_cl", "se",
             "value_type", "transform", "multiplier", "confidence_1", "confidence_2",
             "repetitions", "seed", "rii_requested", "intercept_requested"]
SII_EXPECTED = ["sii", "rii", "intercept"]


def sii_levels(row) -> list[float]:
    return [row.confidence_1] + ([row.confidence_2] if not np.isnan(row.confidence_2) else [])


def check_sii(out_row, expected_row, what: str) -> None:
    """Point estimates to 1e-9; simulated limits within 3 % of the expected CI width."""
    for col in SII_EXPECTED:
        if not np.isnan(expected_row[col]):
            assert_close(out_row[col], expected_row[col], what=f"{what} {col}")
    for i, level in enumerate(sii_levels(expected_row), start=1):
        tag = suffix(level)
        for stat in ("sii", "rii"):
            lo, hi = expected_row[f"{stat}_lower_{i}"], expected_row[f"{stat}_upper_{i}"]
            if np.isnan(lo) and np.isnan(hi):
                continue
            width = hi - lo
            assert abs(out_row[f"{stat}_lower{tag}"] - lo) <= 0.03 * width, f"{what} {stat} lo"
            assert abs(out_row[f"{stat}_upper{tag}"] - hi) <= 0.03 * width, f"{what} {stat} hi"


@pytest.mark.parametrize("case_id", case_ids("sii.csv"))
def test_sii(case_id: str) -> None:
    rows = case("sii.csv", case_id, SII_INPUT + SII_EXPECTED + [
        f"{s}_{side}_{i}" for s in ("sii", "rii") for side in ("lower", "upper") for i in (1, 2)])
    first = rows.iloc[0]
    seed = int(first.seed) if not np.isnan(first.seed) else 20250101
    out = sii(rows, value_type="value_type", transform="transform", multiplier="multiplier",
              levels=sii_levels(first), repetitions=max(int(first.repetitions), 100_000),
              seed=seed)
    assert out["flag"].iloc[0] == ""
    check_sii(out.iloc[0], first, case_id)


@pytest.mark.parametrize("case_id", case_ids("quantiles.csv"))
def test_quantiles(case_id: str) -> None:
    rows = case("quantiles.csv", case_id, ["value", "invert", "nquantiles", "expected_quantile"])
    out = quantiles(rows, nquantiles="nquantiles", invert="invert")
    got = out["quantile"].astype("float").to_numpy()
    assert_close(got, rows["expected_quantile"], rel=0, what=case_id)
