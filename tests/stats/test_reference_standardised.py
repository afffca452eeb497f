"""Reference cases: directly and indirectly standardised rates and ratios."""

from __future__ import annotations

import pytest

from pophealth.stats import dsr, israte, isratio
from pophealth.stats.dsr import events_from_frequencies, events_squared_from_frequencies
from tests.stats.reference_cases import assert_close, case, case_ids, load

LIMITS = ["lower95", "upper95", "lower998", "upper998"]
pytestmark = pytest.mark.reference


@pytest.mark.parametrize("case_id", case_ids("dsr.csv"))
def test_dsr(case_id: str) -> None:
    rows = case("dsr.csv", case_id, ["ageband", "count", "pop", "stdpop", "multiplier",
                                     "total_count", "total_pop", "value", *LIMITS])
    out = dsr(rows, multiplier="multiplier")
    for col in ["total_count", "total_pop", "value", *LIMITS]:
        assert_close(out[col], rows[col].iloc[:1], what=f"{case_id} {col}")


def frequency_columns(name: str) -> dict[int, str]:
    cols = {int("".join(ch for ch in col if ch.isdigit())): col for col in load(name).columns
            if col.startswith("persons_")}
    assert cols, f"{name}: no persons_N_event(s) columns"
    return cols


@pytest.mark.parametrize("case_id", case_ids("dsr_nonindependent.csv"))
def test_dsr_nonindependent(case_id: str) -> None:
    name = "dsr_nonindependent.csv"
    rows = case(name, case_id, ["pop", "stdpop", "multiplier", "total_count", "value", *LIMITS])
    freq = frequency_columns(name)
    rows = rows.assign(count=events_from_frequencies(rows, freq),
                       events_sq=events_squared_from_frequencies(rows, freq))
    out = dsr(rows, multiplier="multiplier", events_squared="events_sq")
    for col in ["total_count", "value", *LIMITS]:
        assert_close(out[col], rows[col].iloc[:1], what=f"{case_id} {col}")


ISR_COLUMNS = ["count", "pop", "refcount", "refpop", "observed", "expected", "value", "method",
               *LIMITS]


@pytest.mark.parametrize("case_id", case_ids("isratio.csv"))
def test_isratio(case_id: str) -> None:
    rows = case("isratio.csv", case_id, [*ISR_COLUMNS, "refvalue", "observed_total_supplied"])
    out = isratio(rows, refvalue="refvalue")
    for col in ["observed", "expected", "value", *LIMITS]:
        assert_close(out[col], rows[col].iloc[:1], what=f"{case_id} {col}")
    assert out["method"].iloc[0] == rows["method"].iloc[0]


@pytest.mark.parametrize("case_id", case_ids("israte.csv"))
def test_israte(case_id: str) -> None:
    rows = case("israte.csv", case_id, [*ISR_COLUMNS, "multiplier", "ref_rate",
                                        "observed_total_supplied"])
    out = israte(rows, multiplier="multiplier")
    for col in ["observed", "expected", "ref_rate", "value", *LIMITS]:
        assert_close(out[col], rows[col].iloc[:1], what=f"{case_id} {col}")
    assert out["method"].iloc[0] == rows["method"].iloc[0]
