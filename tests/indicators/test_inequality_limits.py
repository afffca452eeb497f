"""SII with confidence limits on the inequality view: reference cases loaded as deprivation rows."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from pophealth.config import reference_dir
from pophealth.indicators.inequality import inequality_series
from pophealth.indicators.metadata import catalogue
from pophealth.warehouse import connect

# reference case -> an indicator of the catalogue whose unit gives the case's value type
CASES = {"sii_src_r001_area1_cl": (90366, 1.0),        # years: value type "other"
         "sii_src_r071_area1_cl": (93721, 1.0),        # per 100,000: rate
         "sii_gen_ncmp_1718_6_notr": (92033, 100.0)}   # %: proportion, values as percentages
LABELS = ["Most deprived decile", "Second most deprived decile", "Third more deprived decile",
          "Fourth more deprived decile", "Fifth more deprived decile", "Fifth less deprived decile",
          "Fourth less deprived decile", "Third less deprived decile", "Second least deprived decile",
          "Least deprived decile"]


def _case(case_id: str) -> pd.DataFrame:
    frame = pd.read_csv(reference_dir() / "phe_methods" / "sii.csv")
    part = frame[frame["case_id"] == case_id].sort_values("quantile")
    assert len(part) == 10, f"sii.csv has no 10-decile case {case_id}"
    return part


def _load(con, indicator_id: int, part: pd.DataFrame, scale: float, **changes) -> None:
    rows = pd.DataFrame({
        "indicator_id": indicator_id, "indicator_name": "test", "area_code": "E06000016", "area_name": "Leicester",
        "sex": "Persons", "age": "", "category_type": "County & UA deprivation deciles (IMD2019)",
        "category": LABELS, "time_period": "2019", "time_period_sortable": 20190000, "start_year": 2019,
        "value": part["value"].to_numpy() * scale, "lower_ci95": part["lower_cl"].to_numpy() * scale,
        "upper_ci95": part["upper_cl"].to_numpy() * scale, "denominator": part["population"].to_numpy(),
        "source": "test", "loaded_at": dt.datetime(2026, 1, 1)})
    for column, value in changes.items():
        rows[column] = value
    con.register("_rows", rows.iloc[::-1].reset_index(drop=True))  # stored order must not matter
    con.execute("INSERT INTO indicator_value BY NAME SELECT * FROM _rows")
    con.unregister("_rows")


@pytest.mark.reference
@pytest.mark.parametrize("case_id", sorted(CASES))
def test_sii_limits_match_the_reference(case_id):
    indicator_id, scale = CASES[case_id]
    part = _case(case_id)
    con = connect(":memory:")
    _load(con, indicator_id, part, scale)
    (series,) = inequality_series(con, indicator_id)
    expected = part.iloc[0]
    # the reference cases are computed with multiplier +1; a "low is good" indicator's SII is reported with
    # the method's negative multiplier (METHODS.md section 8): same size, opposite sign, limits swapped
    sign = -1 if catalogue().indicator(indicator_id).polarity == "low_is_good" else 1
    lower, upper = sorted((sign * expected["sii_lower_1"], sign * expected["sii_upper_1"]))
    assert series.sii == pytest.approx(sign * expected["sii"], rel=1e-9)
    assert series.slope == pytest.approx(expected["sii"], rel=1e-9)  # the drawn line keeps the fitted slope
    width = upper - lower
    assert abs(series.sii_lower95 - lower) <= 0.03 * width
    assert abs(series.sii_upper95 - upper) <= 0.03 * width
    assert series.sii_lower998 < series.sii_lower95 < series.sii < series.sii_upper95 < series.sii_upper998
    assert series.sii_method.startswith("stats engine")


@pytest.mark.reference
def test_without_limits_the_point_estimate_is_kept_and_labelled():
    part = _case("sii_src_r001_area1_cl")
    con = connect(":memory:")
    _load(con, 90366, part, 1.0, lower_ci95=np.nan, upper_ci95=np.nan)
    (series,) = inequality_series(con, 90366)
    assert series.sii == pytest.approx(part.iloc[0]["sii"], rel=1e-9)  # same weighted line, fitted locally
    assert series.slope == series.sii  # life expectancy: high is good, nothing flipped
    assert series.sii_lower95 is None and "no 95% limits" in series.sii_method


def test_shipped_quintiles_have_no_limits_and_say_so(loaded):
    (series,) = inequality_series(loaded, 92033)
    assert series.sii_lower95 is None and "denominators and 95% limits" in series.sii_method
